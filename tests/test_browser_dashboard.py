"""The dashboard in a real headless Chromium against a real HTTP server on 127.0.0.1.

Run: .venv/bin/pytest -m browser tests/test_browser_dashboard.py   (screenshots in test-artifacts/)
"""
from __future__ import annotations

import csv
import io
import logging
import time
from urllib.parse import parse_qsl, urlsplit

import pytest

from dashboards import anomaly_data as ad
from dashboards.app import create_app
from dashboards.filters import Filters
from safetyops.cli import main
from tests.auth_fixtures import signed_in_chrome
from tests.conftest import REPO
from tests.dashboard_fixtures import ServerThread, config_for

pytestmark = pytest.mark.browser
webdriver = pytest.importorskip("selenium.webdriver")
from selenium.webdriver.common.action_chains import ActionChains  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait as _Wait  # noqa: E402


def WebDriverWait(driver, timeout, poll_frequency=0.2):  # noqa: N802  (drop-in for selenium's)
    """Dash re-renders replace elements under our feet: a stale or missing element means 'not yet'."""
    return _Wait(driver, timeout, poll_frequency=poll_frequency,
                 ignored_exceptions=(StaleElementReferenceException, NoSuchElementException))

ARTIFACTS = REPO / "test-artifacts"
SAMPLE = REPO / "sample_data" / "small" / "tickets_canonical.csv"
PAGES = {"overview": "/", "response": "/response", "backlog": "/backlog", "abuse": "/abuse",
         "vendors": "/vendors", "anomalies": "/anomalies", "data-health": "/data-health", "tickets": "/tickets"}

SETTLED_JS = """
const busy = document.querySelector('[data-dash-is-loading="true"]');
const graphs = Array.from(document.querySelectorAll('#_pages_content .dash-graph'));
const blocks = Array.from(document.querySelectorAll('#_pages_content .block-body'));
return !busy && graphs.every(g => g.querySelector('.main-svg'))
       && blocks.every(b => b.textContent.trim().length > 0)
       && document.querySelector('#_pages_content .page') !== null;
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("browser")
    cfg = config_for(tmp)
    assert main(["--config", str(cfg.path), "--quiet", "ingest", str(SAMPLE)]) == 0
    assert main(["--config", str(cfg.path), "--quiet", "detect"]) == 0
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    app = create_app(cfg)
    with ServerThread(app) as server:
        yield server, cfg, tmp


@pytest.fixture(scope="module")
def browser(site):
    server, cfg, tmp = site
    driver = signed_in_chrome(tmp, cfg, server.url)
    driver.set_window_size(1400, 2000)
    driver.downloads = tmp / "downloads"
    yield driver
    driver.quit()


def settle(driver, timeout: float = 60) -> None:
    time.sleep(0.3)   # let the router start the next round of callbacks
    WebDriverWait(driver, timeout, poll_frequency=0.2).until(lambda d: d.execute_script(SETTLED_JS))


def severe_logs(driver) -> list[str]:
    return [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]


def query_of(driver) -> dict:
    return dict(parse_qsl(urlsplit(driver.current_url).query))


def open_page(driver, server, path: str) -> None:
    driver.get(server.url + path)
    settle(driver)


def choose(driver, dropdown_id: str, option_text: str) -> None:
    driver.find_element(By.ID, dropdown_id).click()
    option = WebDriverWait(driver, 10).until(lambda d: next(
        (o for o in d.find_elements(By.CSS_SELECTOR, "[role=option]") if o.text == option_text), None))
    option.click()
    ActionChains(driver).send_keys(Keys.ESCAPE).perform()


@pytest.mark.parametrize("name", list(PAGES))
def test_page_renders_without_console_errors(site, browser, name):
    server, _cfg, _tmp = site
    browser.get_log("browser")                       # drop earlier entries
    open_page(browser, server, PAGES[name])
    heading = browser.find_element(By.CSS_SELECTOR, "#_pages_content h2").text
    assert heading
    assert "Traceback" not in browser.page_source
    ARTIFACTS.mkdir(exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / f"page-{name}.png"))
    assert severe_logs(browser) == []


def test_filter_change_updates_url_and_charts(site, browser):
    server, _cfg, _tmp = site
    open_page(browser, server, "/abuse")
    heat = lambda: browser.execute_script(  # noqa: E731
        "return document.querySelector('#card-abuse-heatmap .xtick') ? "
        "Array.from(document.querySelectorAll('#card-abuse-heatmap .xtick text')).map(t => t.textContent) : []")
    before = heat()
    assert len(before) > 1
    choose(browser, "f-region", before[0])
    WebDriverWait(browser, 20).until(lambda d: query_of(d).get("region") == before[0])
    settle(browser)
    assert heat() == [before[0]]
    assert query_of(browser)["from"] and query_of(browser)["to"]      # the whole view is in the link
    # back: the previous view (all regions) returns, filter bar included
    browser.back()
    WebDriverWait(browser, 20).until(lambda d: "region" not in query_of(d))
    settle(browser)
    assert heat() == before
    assert severe_logs(browser) == []


def test_copied_link_reopens_the_same_view(site, browser):
    server, _cfg, _tmp = site
    link = "/vendors?from=2026-06-01&to=2026-06-14&region=BR&high_profile=false"
    open_page(browser, server, link)
    assert Filters.from_search(urlsplit(browser.current_url).query) == Filters.from_search(link.split("?")[1])
    shown = browser.find_element(By.ID, "f-region").text
    assert "BR" in shown
    browser.refresh()
    settle(browser)
    assert "BR" in browser.find_element(By.ID, "f-region").text


def click_bar_to_tickets(browser, server, page: str, card: str, index: int) -> dict:
    """Open `page`, click the index-th bar of the card's chart, land on the ticket page: its query."""
    open_page(browser, server, page)
    bar = browser.find_elements(By.CSS_SELECTOR, f"#{card} .trace.bars .point path")[index]
    ActionChains(browser).move_to_element(bar).click().perform()
    WebDriverWait(browser, 20).until(lambda d: urlsplit(d.current_url).path == "/tickets")
    settle(browser)
    return query_of(browser)


def test_drill_from_chart_to_tickets_and_show_all(site, browser):
    server, _cfg, _tmp = site
    q = click_bar_to_tickets(browser, server, "/vendors?from=2026-06-01&to=2026-06-28", "card-vendor-sla", 0)
    assert q.get("vendor") and q["from"] == "2026-06-01"
    cells = lambda: [c.text for c in browser.find_elements(  # noqa: E731
        By.CSS_SELECTOR, "#tickets-grid .ag-row [col-id=vendor]")]
    WebDriverWait(browser, 20).until(lambda d: cells() and all(cells()))   # the first block has arrived
    vendors = set(cells())
    assert vendors == {q["vendor"]}
    narrowed = browser.find_element(By.ID, "tickets-count").text
    browser.save_screenshot(str(ARTIFACTS / "drill-tickets.png"))
    browser.find_element(By.ID, "tickets-show-all").click()
    WebDriverWait(browser, 20).until(lambda d: query_of(d) == {})
    settle(browser)
    WebDriverWait(browser, 20).until(lambda d: d.find_element(By.ID, "tickets-count").text != narrowed)
    total = int(browser.find_element(By.ID, "tickets-count").text.split()[0].replace(",", ""))
    assert total > int(narrowed.split()[0].replace(",", ""))
    assert severe_logs(browser) == []


def test_drill_from_a_backlog_bar_to_that_days_open_tickets_of_its_age(site, browser):
    server, _cfg, _tmp = site
    q = click_bar_to_tickets(browser, server, "/backlog?from=2026-06-01&to=2026-06-28", "card-backlog-ageing", 10)
    assert q["from"] == "2026-06-01" and q["open_on"].startswith("2026-06-") and q["open_age"] == "lt_1d"
    WebDriverWait(browser, 20).until(
        lambda d: f"open at the end of {q['open_on']}" in d.find_element(By.ID, "tickets-count").text)
    assert int(browser.find_element(By.ID, "tickets-count").text.split()[0].replace(",", "")) > 0
    cells = lambda: [c.text for c in browser.find_elements(  # noqa: E731
        By.CSS_SELECTOR, "#tickets-grid .ag-row [col-id=created_at]")]
    WebDriverWait(browser, 20).until(lambda d: cells() and all(cells()))
    assert all(c[:10] <= q["open_on"] for c in cells())     # every listed ticket was created by then
    assert severe_logs(browser) == []


def test_acknowledge_persists_after_reload(site, browser):
    server, cfg, _tmp = site
    from core.warehouse import connect_read
    con = connect_read(cfg.db_path)
    try:
        target = ad.anomaly_list(con, cfg, Filters(), "new", None)["anomaly_id"].iloc[-1]
    finally:
        con.close()
    open_page(browser, server, f"/anomalies/{target}")
    browser.find_element(By.ID, "triage-note").send_keys("<b>looked</b> at it")
    browser.find_element(By.ID, "triage-ack").click()
    WebDriverWait(browser, 20).until(
        lambda d: d.find_element(By.ID, "triage-status-text").text == "Acknowledged")
    browser.refresh()
    settle(browser)
    WebDriverWait(browser, 20).until(
        lambda d: d.find_element(By.ID, "triage-status-text").text == "Acknowledged")
    note = browser.find_element(By.CSS_SELECTOR, ".triage-note-text").text
    assert note == "<b>looked</b> at it"          # shown as text, not markup
    browser.save_screenshot(str(ARTIFACTS / "anomaly-acknowledged.png"))
    assert severe_logs(browser) == []


def test_csv_download_is_neutralised_text(site, browser):
    server, _cfg, _tmp = site
    open_page(browser, server, "/?from=2026-06-01&to=2026-06-07")
    browser.find_element(By.CSS_SELECTOR, "#card-overview-inflow .card-head button").click()
    target = browser.downloads / "overview-inflow_2026-06-01_2026-06-07.csv"
    WebDriverWait(browser, 20).until(lambda d: target.exists() and target.stat().st_size > 0)
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"))))
    assert {r["period_start"][:10] for r in rows} == {f"2026-06-0{d}" for d in range(1, 8)}
    assert sum(float(r["value"]) for r in rows) > 0


def test_dark_theme_reaches_the_charts(site, browser):
    server, _cfg, _tmp = site
    open_page(browser, server, "/backlog")
    browser.find_element(By.ID, "theme-toggle").click()
    WebDriverWait(browser, 10).until(
        lambda d: d.execute_script("return document.documentElement.getAttribute('data-theme')") == "dark")
    settle(browser)
    WebDriverWait(browser, 20).until(lambda d: d.execute_script(
        "return getComputedStyle(document.querySelector('#card-backlog-trend .main-svg')).backgroundColor")
        == "rgb(27, 34, 48)")
    browser.save_screenshot(str(ARTIFACTS / "page-backlog-dark.png"))
    browser.find_element(By.ID, "theme-toggle").click()   # leave the light theme for other tests
    WebDriverWait(browser, 10).until(
        lambda d: d.execute_script("return document.documentElement.getAttribute('data-theme')") == "light")


def test_drill_from_heatmap_cell(site, browser):
    server, _cfg, _tmp = site
    open_page(browser, server, "/abuse?from=2026-06-01&to=2026-06-28")
    ticks = ("return Array.from(document.querySelectorAll('#card-abuse-heatmap .{axis}tick text'))"
             ".sort((a, b) => a.getBoundingClientRect().{edge} - b.getBoundingClientRect().{edge})"
             ".map(t => t.textContent)")
    rows = browser.execute_script(ticks.format(axis="y", edge="top"))      # top to bottom on screen
    cols = browser.execute_script(ticks.format(axis="x", edge="left"))     # left to right
    drag = browser.find_element(By.CSS_SELECTOR, "#card-abuse-heatmap .nsewdrag")
    w, h = drag.size["width"], drag.size["height"]
    # the top-left cell: first row on top (reversed y axis), first column on the left
    ActionChains(browser).move_to_element_with_offset(drag, -w / 2 + w / len(cols) / 2,
                                                      -h / 2 + h / len(rows) / 2).click().perform()
    WebDriverWait(browser, 20).until(lambda d: urlsplit(d.current_url).path == "/tickets")
    q = query_of(browser)
    assert (q["abuse_category"], q["region"]) == (rows[0], cols[0])
    settle(browser)
    assert f"abuse_category={rows[0]}" in browser.find_element(By.ID, "tickets-count").text
    assert severe_logs(browser) == []
