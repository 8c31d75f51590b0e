"""Fixtures for the dashboard tests: real warehouse files, a real HTTP server, a real Chromium."""
from __future__ import annotations

import datetime as dt
import random
import socket
import threading
from pathlib import Path

from core.config import load_config
from core.warehouse import writing
from tests.ticket_factory import insert_tickets, ticket

CATEGORIES = ("spam", "harassment", "hateful_conduct", "child_safety", "impersonation")
REGIONS = ("BR", "US", "DE", "IN")
VENDORS = ("in_house", "acme", "globex")
SAMPLE_START = dt.datetime(2026, 2, 1)
SAMPLE_DAYS = 42


def sample_rows(seed: int = 7, days: int = SAMPLE_DAYS) -> list[dict]:
    """A few hundred varied tickets over six weeks: every page has something to draw."""
    rng = random.Random(seed)
    rows = []
    for day in range(days):
        for _ in range(rng.randint(6, 14)):
            created = SAMPLE_START + dt.timedelta(days=day, hours=rng.randint(0, 23), minutes=rng.randint(0, 59))
            answered = rng.random() < 0.93
            resolved = rng.random() < 0.8
            rows.append(ticket(
                created.strftime("%Y-%m-%d %H:%M"),
                first_response_at=(created + dt.timedelta(minutes=rng.randint(5, 3000))).strftime("%Y-%m-%d %H:%M")
                if answered else None,
                resolved_at=(created + dt.timedelta(hours=rng.randint(1, 120))).strftime("%Y-%m-%d %H:%M")
                if resolved else None,
                region=rng.choice(REGIONS), vendor=rng.choice(VENDORS), abuse_category=rng.choice(CATEGORIES),
                priority=rng.choice(("urgent", "high", "normal", "low")), channel=rng.choice(("web", "app")),
                language=rng.choice(("en", "pt", "de")), escalated=rng.random() < 0.1,
                high_profile=rng.random() < 0.06, reopen_count=1 if rng.random() < 0.07 else 0,
                qa_score=round(rng.uniform(60, 100), 1) if resolved else None,
                csat=rng.randint(1, 5) if resolved and rng.random() < 0.6 else None,
            ))
    return rows


def write_warehouse(db_path: Path, rows: list[dict]) -> Path:
    with writing(db_path, fresh=True) as con:
        if rows:
            insert_tickets(con, rows)
    return db_path


def config_for(tmp_path: Path, db_name: str = "warehouse.duckdb", extra_toml: str = ""):
    cfg = tmp_path / "safetyops.toml"
    cfg.write_text(f'[warehouse]\npath = "{db_name}"\n[reporting]\ntimezone = "UTC"\n'
                   f'[privacy]\nhash_key = "test-key"\n[metrics.targets]\nsla_frt_attainment = 0.6\n'
                   + extra_toml, encoding="utf-8")
    return load_config(cfg)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServerThread:
    """The app's Flask server on 127.0.0.1:<free port> in a background thread (werkzeug, threaded)."""

    def __init__(self, app):
        from werkzeug.serving import make_server
        self.port = free_port()
        self.server = make_server("127.0.0.1", self.port, app.server, threaded=True)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> "ServerThread":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.thread.join(timeout=10)


def chrome(download_dir: Path, profile_dir: Path):
    """Headless Debian chromium via chromedriver, console logging on, downloads to download_dir."""
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    opts = Options()
    opts.binary_location = "/usr/bin/chromium"
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--window-size=1400,1000", f"--user-data-dir={profile_dir}"):
        opts.add_argument(arg)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    opts.add_experimental_option("prefs", {
        "download.default_directory": str(download_dir), "download.prompt_for_download": False,
        "download.directory_upgrade": True, "safebrowsing.enabled": False,
    })
    return webdriver.Chrome(options=opts, service=Service("/usr/bin/chromedriver"))
