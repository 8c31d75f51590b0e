"""What the pages show at a glance, in a real headless Chromium (issue 18): times formatted and
zoned, an unknown URL value said once, and a phone-width (390 px) Overview that does not overflow.

Run: .venv/bin/pytest -m browser tests/test_browser_truth.py   (screenshots in test-artifacts/)
"""
from __future__ import annotations

import json
import logging
import re
import time

import pytest

from dashboards.app import create_app
from safetyops.cli import main
from tests.auth_fixtures import signed_in_chrome
from tests.conftest import REPO
from tests.dashboard_fixtures import ServerThread, config_for

pytestmark = pytest.mark.browser
webdriver = pytest.importorskip("selenium.webdriver")
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

ARTIFACTS = REPO / "test-artifacts"
SAMPLE = REPO / "sample_data" / "small" / "tickets_canonical.csv"
SETTLED_JS = """
const busy = document.querySelector('[data-dash-is-loading="true"]');
const graphs = Array.from(document.querySelectorAll('#_pages_content .dash-graph'));
const blocks = Array.from(document.querySelectorAll('#_pages_content .block-body'));
return !busy && graphs.every(g => g.querySelector('.main-svg'))
       && blocks.every(b => b.textContent.trim().length > 0)
       && document.querySelector('#_pages_content .page') !== null
       && document.querySelector('#data-banner').textContent.trim().length > 0;
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("browser-truth")
    cfg = config_for(tmp)
    assert main(["--config", str(cfg.path), "--quiet", "ingest", str(SAMPLE)]) == 0
    cfg.refresh_status_path.parent.mkdir(parents=True, exist_ok=True)
    cfg.refresh_status_path.write_text(json.dumps(
        {"finished_at": "2026-12-06T04:40:32.313368+00:00", "status": "ok", "error": None}))
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    app = create_app(cfg)
    with ServerThread(app) as server:
        yield server, tmp, cfg


@pytest.fixture(scope="module")
def browser(site):
    server, tmp, cfg = site
    driver = signed_in_chrome(tmp, cfg, server.url)
    yield driver
    driver.quit()


def open_page(driver, url: str, width: int = 1400) -> None:
    driver.set_window_size(width, 1600)
    driver.get(url)
    time.sleep(0.3)
    WebDriverWait(driver, 60, poll_frequency=0.2,
                  ignored_exceptions=(StaleElementReferenceException, NoSuchElementException)).until(
        lambda d: d.execute_script(SETTLED_JS))


def test_banner_shows_zoned_formatted_times(site, browser):
    server, _tmp, _cfg = site
    open_page(browser, server.url + "/")
    text = browser.find_element(By.ID, "data-banner").text
    assert re.search(r"data as of \d{4}-\d\d-\d\d \d\d:\d\d UTC", text), text
    assert "last refresh ok at 2026-12-06 04:40 UTC" in text
    assert "+00:00" not in text and "T04:40" not in text


def test_unknown_region_is_one_message_not_an_error_per_panel(site, browser):
    server, _tmp, _cfg = site
    open_page(browser, server.url + "/?region=XX")
    page = browser.find_element(By.CSS_SELECTOR, "#_pages_content .page").text
    assert page.count("region=XX is not in the data") == 1
    assert browser.find_elements(By.CSS_SELECTOR, "#_pages_content .card") == []


def test_invalid_from_is_reported(site, browser):
    server, _tmp, _cfg = site
    open_page(browser, server.url + "/?from=2026-02-30")
    notice = browser.find_element(By.ID, "url-notice").text
    assert "from=2026-02-30 is not a date" in notice
    assert browser.find_elements(By.CSS_SELECTOR, "#_pages_content .card")     # the panels still draw


OVERFLOW_JS = """
const width = document.documentElement.clientWidth;
const out = [];
for (const el of document.querySelectorAll('#_pages_content .tile, #_pages_content .card')) {
  const r = el.getBoundingClientRect();
  if (r.right > width + 0.5 || r.left < -0.5) out.push((el.dataset.metric || el.id) + ':' + r.left + '-' + r.right);
}
return [width, document.documentElement.scrollWidth, out];
"""

CLIPPED_LABELS_JS = """
const card = document.getElementById(arguments[0]);
const svg = card.querySelector('.main-svg').getBoundingClientRect();
const out = [];
for (const t of card.querySelectorAll('.xtick text')) {
  const r = t.getBoundingClientRect();
  if (r.bottom > svg.bottom + 0.5 || r.left < svg.left - 0.5 || r.right > svg.right + 0.5) out.push(t.textContent);
}
return [card.querySelectorAll('.xtick text').length, out];
"""


def test_overview_tiles_fit_a_390px_screen(site, browser):
    server, _tmp, _cfg = site
    open_page(browser, server.url + "/", width=390)
    ARTIFACTS.mkdir(exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / "overview-390px.png"))
    width, scroll_width, outside = browser.execute_script(OVERFLOW_JS)
    assert outside == [], (width, outside)
    assert scroll_width <= width + 1


def test_vendor_labels_are_not_clipped_at_390px(site, browser):
    server, _tmp, _cfg = site
    open_page(browser, server.url + "/vendors", width=390)
    browser.save_screenshot(str(ARTIFACTS / "vendors-390px.png"))
    for card in ("card-vendor-frt", "card-vendor-rates", "card-vendor-sla"):
        n, clipped = browser.execute_script(CLIPPED_LABELS_JS, card)
        assert n > 0 and clipped == [], (card, clipped)
