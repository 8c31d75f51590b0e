"""A freshly started server answers its first requests, all at once, without a failure.

Dash finishes setting itself up on the first request it sees (Flask before_request); concurrent
first requests on a new worker raced in there ("dictionary changed size during iteration", a 500
for a component's JavaScript and a blank page). Each worker now completes that set-up before it
serves; this test starts the real server (gunicorn) and sends its very first requests together.
"""
from __future__ import annotations

import re
import signal
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from dashboards.app import create_app
from tests.auth_fixtures import ensure_user, signed_in_client, signed_in_session
from tests.dashboard_fixtures import config_for, free_port, sample_rows, write_warehouse

pytestmark = pytest.mark.slow
COLD_STARTS = 4
CONCURRENT = 10


def script_urls(cfg) -> list[str]:
    """The JavaScript a page loads (component suites with their cache-busting stamps), read from
    an in-process app on the same code, so the server under test sees no request before ours."""
    html = signed_in_client(create_app(cfg)).get("/").get_data(as_text=True)
    return re.findall(r'<script src="([^"]+)"', html)


def wait_for_port(port: int, proc: subprocess.Popen, timeout: float = 60) -> None:
    """Listening (the socket accepts), without sending an HTTP request."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"serve exited early: {proc.stdout.read()}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise AssertionError("serve did not listen in time")


def sign_in_then_get(base: str, cfg, path: str) -> tuple[str, int]:
    """Each of the concurrent first requests is a sign-in (every route needs a session), then the
    script: both run Dash's first-request hooks on the fresh worker."""
    try:
        session = signed_in_session(base, cfg)
    except (AssertionError, KeyError):
        return "/login", 0
    return path, session.get(base + path, timeout=60).status_code


def test_ten_concurrent_first_requests_to_a_fresh_server_all_succeed(tmp_path):
    cfg = config_for(tmp_path)
    write_warehouse(cfg.db_path, sample_rows(days=10))
    ensure_user(cfg)
    scripts = script_urls(cfg)
    assert any("dash_ag_grid" in s for s in scripts), scripts
    paths = [*scripts]          # what a browser asks right after the page: the race's victims
    failures = []
    for start in range(COLD_STARTS):
        port = free_port()
        proc = subprocess.Popen(
            [sys.executable, "-m", "safetyops.cli", "--config", str(cfg.path), "serve", "--port", str(port),
             "--workers", "1"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        try:
            wait_for_port(port, proc)
            base = f"http://127.0.0.1:{port}"
            wanted = [paths[i % len(paths)] for i in range(CONCURRENT)]
            with ThreadPoolExecutor(CONCURRENT) as pool:
                codes = list(pool.map(lambda p: sign_in_then_get(base, cfg, p), wanted))
            failures += [(start, p, c) for p, c in codes if c != 200]
        finally:
            proc.send_signal(signal.SIGTERM)
            out, _ = proc.communicate(timeout=30)
        assert "Traceback" not in out, out
    assert failures == []
