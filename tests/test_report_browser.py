"""The weekly report in a real headless Chromium: renders every chart, no console errors, no request
to any host (DNS is mapped to nowhere and the performance log must show only the file itself)."""
from __future__ import annotations

import datetime as dt
import json
import shutil
import tempfile
from pathlib import Path

import pytest

from dashboards.report.build import write_weekly_report
from core.warehouse import connect_read
from tests.refresh_fixtures import REPO
from tests.report_fixtures import WEEK, build_report_warehouse

pytestmark = [pytest.mark.browser, pytest.mark.slow]
CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
ARTIFACTS = REPO / "test-artifacts"


@pytest.fixture(scope="module")
def report_file(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("browser")
    config = build_report_warehouse(root)
    con = connect_read(config.db_path)
    try:
        return write_weekly_report(con, config, week=WEEK, out_path=root / "report.html",
                                   generated_at=dt.datetime(2026, 11, 24, tzinfo=dt.timezone.utc))
    finally:
        con.close()


@pytest.fixture
def driver():
    if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
        pytest.fail("chromium and chromedriver are expected at /usr/bin on this machine")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    profile = tempfile.mkdtemp(prefix="chromium-profile-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--no-first-run", "--window-size=1280,1600", f"--user-data-dir={profile}",
                 "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    d = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        yield d
    finally:
        d.quit()
        shutil.rmtree(profile, ignore_errors=True)


def requested_urls(driver) -> list[str]:
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message.get("method") == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


NETWORK_SCHEMES = ("http:", "https:", "ws:", "wss:", "ftp:")


def test_report_renders_offline_without_errors(driver, report_file):
    requested_urls(driver)          # drain what the browser did before opening the report
    driver.get(report_file.as_uri())
    from selenium.webdriver.support.ui import WebDriverWait
    n_divs = driver.execute_script("return document.querySelectorAll('.plotly-graph-div').length")
    WebDriverWait(driver, 30).until(lambda d: d.execute_script(
        "return document.querySelectorAll('.plotly-graph-div .main-svg').length") >= n_divs)
    assert n_divs == 7
    rendered = driver.execute_script(
        "return Array.from(document.querySelectorAll('.plotly-graph-div')).filter(d => d._fullLayout).length")
    assert rendered == n_divs
    errors = [e for e in driver.get_log("browser") if e["level"] in ("SEVERE", "ERROR", "WARNING")]
    assert errors == []
    urls = requested_urls(driver)
    assert report_file.as_uri() in urls
    assert [u for u in urls if u.lower().startswith(NETWORK_SCHEMES)] == []
    # the injected script never ran: the hostile names are text
    assert driver.execute_script("return typeof window.__pwned") == "undefined"
    text = driver.find_element("tag name", "body").text
    assert '<script>alert("vendor")</script>' in text
    ARTIFACTS.mkdir(exist_ok=True)
    driver.save_screenshot(str(ARTIFACTS / "report_weekly_top.png"))
    height = driver.execute_script("return document.body.scrollHeight")
    driver.set_window_size(1280, min(int(height) + 200, 16000))
    driver.save_screenshot(str(ARTIFACTS / "report_weekly_full.png"))
    assert (ARTIFACTS / "report_weekly_full.png").stat().st_size > 10_000


def test_print_layout_puts_sections_on_new_pages(driver, report_file):
    driver.get(report_file.as_uri())
    rules = driver.execute_script("""
        const out = [];
        for (const sheet of document.styleSheets) for (const rule of sheet.cssRules)
            if (rule.media && rule.media.mediaText.includes('print'))
                for (const r of rule.cssRules) out.push(r.selectorText + '{' + r.style.cssText + '}');
        return out;""")
    assert any(r.startswith("section.section{") and "break-before: page" in r for r in rules), rules
    pdf = driver.execute_cdp_cmd("Page.printToPDF", {"printBackground": True})
    import base64
    data = base64.b64decode(pdf["data"])
    assert data.startswith(b"%PDF") and data.count(b"/Type /Page") - data.count(b"/Type /Pages") >= 8
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "report_weekly.pdf").write_bytes(data)
