"""One real sign-in per role in a real Chromium: what it sees, what it cannot open, what it
cannot change. The server, the warehouse and the user store are real; so are the clicks.

Run: .venv/bin/pytest -m browser tests/test_browser_roles.py   (screenshots in test-artifacts/)
"""
from __future__ import annotations

import json
import logging
from urllib.parse import urlsplit

import pytest

from anomaly import triage
from dashboards.app import create_app
from safetyops.cli import main
from tests.auth_fixtures import browser_sign_in, ensure_user
from tests.conftest import REPO
from tests.dashboard_fixtures import ServerThread, chrome, config_for

pytestmark = pytest.mark.browser
webdriver = pytest.importorskip("selenium.webdriver")
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.common.exceptions import TimeoutException  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402

from tests.test_browser_dashboard import ARTIFACTS, WebDriverWait, choose, settle, severe_logs  # noqa: E402

SAMPLE = REPO / "sample_data" / "small" / "tickets_canonical.csv"
VENDOR, OTHER = "Harbor Ops", "Kestrel CX"
WINDOW = "from=2026-05-01&to=2026-07-31"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("roles")
    cfg = config_for(tmp)
    assert main(["--config", str(cfg.path), "--quiet", "ingest", str(SAMPLE)]) == 0
    assert main(["--config", str(cfg.path), "--quiet", "detect"]) == 0
    for name, role, vendor in (("adam", "admin", None), ("lea", "lead", None), ("ana", "analyst", None),
                               ("lumen", "vendor", VENDOR)):
        ensure_user(cfg, name, role, vendor)
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    with ServerThread(create_app(cfg)) as server:
        yield server, cfg, tmp


@pytest.fixture
def browser(site, request):
    _server, _cfg, tmp = site
    folder = tmp / request.node.name
    folder.mkdir()
    driver = chrome(folder / "downloads", folder / "profile")
    driver.set_window_size(1400, 2000)
    yield driver
    driver.quit()


def alerts(cfg) -> dict[str, str]:
    from core.warehouse import connect_read
    con = connect_read(cfg.db_path)
    rows = con.execute("SELECT anomaly_id, dims_json FROM anomalies ORDER BY anomaly_id").fetchall()
    con.close()
    return {a: json.loads(d).get("vendor") for a, d in rows}


def open_page(driver, server, path: str) -> None:
    driver.get(server.url + path)
    settle(driver)


def text_of(driver, css: str) -> str:
    return driver.find_element(By.CSS_SELECTOR, css).text


def sign_in_as(driver, server, name: str) -> None:
    browser_sign_in(driver, server.url, name)
    WebDriverWait(driver, 30).until(lambda d: urlsplit(d.current_url).path == "/")
    settle(driver)
    assert name in driver.find_element(By.ID, "signed-in-user").text


def press_triage(driver, server, anomaly_id: str, button: str, expect: str) -> str:
    """Click a triage button; the status text once it says `expect` (or what it says after 20 s)."""
    open_page(driver, server, f"/anomalies/{anomaly_id}")
    driver.find_element(By.ID, button).click()
    try:
        WebDriverWait(driver, 20).until(lambda d: expect in d.find_element(By.ID, "triage-status").text)
    except TimeoutException:
        pass
    return driver.find_element(By.ID, "triage-status").text


def add_annotation(driver, kind: str, label: str, day: str = "2026-06-10") -> str:
    driver.find_element(By.ID, "annotation-label").send_keys(label)
    choose(driver, "annotation-kind", kind.replace("_", " "))
    date_input = driver.find_element(By.ID, "annotation-start")      # Dash 4: the id is on the <input>
    date_input.send_keys(day, Keys.ENTER)
    driver.find_element(By.ID, "annotation-add").click()
    WebDriverWait(driver, 20).until(lambda d: d.find_element(By.ID, "annotation-result").text.strip())
    return driver.find_element(By.ID, "annotation-result").text


def test_without_signing_in_every_page_goes_to_the_login(site, browser):
    server, _cfg, _tmp = site
    for path in ("/", "/vendors?region=BR", "/tickets", "/anomalies"):
        browser.get(server.url + path)
        WebDriverWait(browser, 20).until(lambda d: urlsplit(d.current_url).path == "/login")
        assert browser.find_element(By.ID, "login-name")
    browser_sign_in(browser, server.url, "lumen", password="not the password")
    # (the refused sign-in answers with a new page: wait for it rather than read the old one)
    WebDriverWait(browser, 20).until(lambda d: d.find_elements(By.ID, "login-message"))
    assert "Wrong user name or password" in text_of(browser, "#login-message")


def test_vendor_sees_only_its_vendor_and_cannot_change_anything(site, browser, capsys):
    server, cfg, _tmp = site
    sign_in_as(browser, server, "lumen")
    open_page(browser, server, f"/vendors?{WINDOW}")
    scorecard = text_of(browser, "#card-vendor-scorecard")
    assert VENDOR in scorecard and OTHER not in scorecard and "in_house" not in scorecard
    # the ticket count equals metrics show for that vendor over the same window
    open_page(browser, server, f"/tickets?{WINDOW}")
    WebDriverWait(browser, 20).until(lambda d: "tickets ·" in d.find_element(By.ID, "tickets-count").text)
    shown = int(text_of(browser, "#tickets-count").split()[0].replace(",", ""))
    capsys.readouterr()
    assert main(["--config", str(cfg.path), "metrics", "show", "inflow", "--grain", "month", "--from", "2026-05-01",
                 "--to", "2026-07-31", "--where", f"vendor={VENDOR}", "--format", "json"]) == 0
    assert shown == sum(r["n"] for r in json.loads(capsys.readouterr().out)) > 0
    browser.save_screenshot(str(ARTIFACTS / "role-vendor-tickets.png"))
    # another vendor by URL: refused in every panel; data health: closed
    open_page(browser, server, f"/vendors?{WINDOW}&vendor=Kestrel+CX")
    # every panel refuses in the account's own words and draws none of the other vendor's rows
    WebDriverWait(browser, 20).until(
        lambda d: "this account sees vendor" in d.find_element(By.ID, "card-vendor-scorecard").text)
    refused = text_of(browser, "#card-vendor-scorecard")
    assert f"this account sees vendor {VENDOR} only" in refused and OTHER not in refused.replace(
        "vendor=Kestrel CX", "")
    open_page(browser, server, "/data-health")
    assert "not available to vendor accounts" in text_of(browser, "#_pages_content")
    # its own alert: visible, but triage is refused; another vendor's alert: not found
    ours = next(a for a, v in alerts(cfg).items() if v == VENDOR)
    theirs = next(a for a, v in alerts(cfg).items() if v != VENDOR)
    before = triage.history(cfg.triage_path, ours)
    assert "Your role cannot change triage" in press_triage(browser, server, ours, "triage-ack", "Your role")
    assert triage.history(cfg.triage_path, ours) == before
    open_page(browser, server, f"/anomalies/{theirs}")           # another vendor's: as if it did not exist
    assert browser.find_element(By.ID, "anomaly-unknown") and not browser.find_elements(By.ID, "triage-ack")
    assert severe_logs(browser) == []


def test_analyst_triages_as_themself_but_cannot_add_a_holiday(site, browser):
    server, cfg, _tmp = site
    sign_in_as(browser, server, "ana")
    open_page(browser, server, f"/vendors?{WINDOW}")
    scorecard = text_of(browser, "#card-vendor-scorecard")
    assert VENDOR in scorecard and OTHER in scorecard
    target = sorted(alerts(cfg))[0]
    assert "Acknowledged" in press_triage(browser, server, target, "triage-ack", "Acknowledged")
    assert triage.state_of(cfg.triage_path, target)["who"] == "ana"
    message = add_annotation(browser, "holiday", "Analyst holiday")
    assert "Only a lead can add a holiday annotation" in message
    assert not [a for a in triage.list_annotations(cfg.triage_path) if a["label"] == "Analyst holiday"]
    browser.save_screenshot(str(ARTIFACTS / "role-analyst-annotation-refused.png"))
    assert severe_logs(browser) == []


def test_lead_adds_a_holiday_and_resolves(site, browser):
    server, cfg, _tmp = site
    sign_in_as(browser, server, "lea")
    target = sorted(alerts(cfg))[-1]
    assert "Resolved" in press_triage(browser, server, target, "triage-resolve", "Resolved")
    assert triage.state_of(cfg.triage_path, target)["who"] == "lea"
    message = add_annotation(browser, "holiday", "Corpus Christi")
    assert "Added 'Corpus Christi' (holiday)" in message
    (saved,) = [a for a in triage.list_annotations(cfg.triage_path) if a["label"] == "Corpus Christi"]
    assert (saved["who"], saved["action"]) == ("lea", "suppress")
    assert severe_logs(browser) == []


def test_admin_reads_everything_but_cannot_triage(site, browser):
    server, cfg, _tmp = site
    sign_in_as(browser, server, "adam")
    open_page(browser, server, "/data-health")
    assert "not available" not in text_of(browser, "#_pages_content")
    target = sorted(alerts(cfg))[1]
    before = triage.history(cfg.triage_path, target)
    assert "Your role cannot change triage" in press_triage(browser, server, target, "triage-fp", "Your role")
    assert triage.history(cfg.triage_path, target) == before
    browser.find_element(By.ID, "sign-out").click()
    WebDriverWait(browser, 20).until(lambda d: urlsplit(d.current_url).path == "/login")
    browser.get(server.url + "/vendors")
    WebDriverWait(browser, 20).until(lambda d: urlsplit(d.current_url).path == "/login")
    assert severe_logs(browser) == []
