"""`safetyops serve` runs gunicorn workers that answer pages and callbacks, and stop on SIGTERM."""
from __future__ import annotations

import signal
import subprocess
import sys
import time

import pytest
import requests

from tests.auth_fixtures import signed_in_client, signed_in_session
from tests.dashboard_fixtures import config_for, free_port, sample_rows, write_warehouse

pytestmark = pytest.mark.slow


def wait_until_up(url: str, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"serve exited early: {proc.stdout.read()}")
        try:
            if requests.get(url, timeout=15, allow_redirects=False).status_code in (200, 302):
                return
        except requests.RequestException:   # not listening yet, or a worker still booting
            pass
        time.sleep(0.3)
    raise AssertionError("serve did not answer in time")


def test_serve_answers_pages_and_callbacks(tmp_path):
    cfg = config_for(tmp_path)
    write_warehouse(cfg.db_path, sample_rows())
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "safetyops.cli", "--config", str(cfg.path), "serve", "--port", str(port),
         "--workers", "2"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base + "/login", proc)
        assert requests.get(base + "/vendors", timeout=10, allow_redirects=False).status_code == 302
        web = signed_in_session(base, cfg)
        for path in ("/", "/vendors", "/tickets?region=BR"):
            assert web.get(base + path, timeout=10).status_code == 200
        deps = web.get(base + "/_dash-dependencies", timeout=10).json()
        (output,) = [d["output"] for d in deps if '"type":"block"' in d["output"]]
        panel = {"name": "vendor-scorecard", "type": "block-query"}
        resp = web.post(base + "/_dash-update-component", timeout=30, json={
            "output": output, "outputs": {"id": {"name": "vendor-scorecard", "type": "block"}, "property": "children"},
            "inputs": [{"id": panel, "property": "data", "value": {"search": "?from=2026-02-01&to=2026-02-28"}},
                       {"id": "theme-store", "property": "data", "value": "light"}],
            "state": [{"id": panel, "property": "id", "value": panel}], "changedPropIds": []})
        assert resp.status_code == 200
        assert "acme" in resp.text and "globex" in resp.text
    finally:
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=30)
    assert proc.returncode == 0, out
    assert f"http://127.0.0.1:{port}/ (2 workers" in out


def test_app_py_uses_the_configured_warehouse(tmp_path, monkeypatch):
    """`python app.py` builds the app from SAFETYOPS_CONFIG / SAFETYOPS_DB (module `server` is WSGI)."""
    import importlib.util

    from tests.conftest import REPO
    cfg = config_for(tmp_path)
    other = tmp_path / "elsewhere.duckdb"
    write_warehouse(other, sample_rows(days=3))
    monkeypatch.setenv("SAFETYOPS_CONFIG", str(cfg.path))
    monkeypatch.setenv("SAFETYOPS_DB", str(other))
    spec = importlib.util.spec_from_file_location("safetyops_app_entry", REPO / "app.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    client = signed_in_client(module.app)
    assert client.get("/").status_code == 200
    from dashboards.state import current_state
    with module.server.app_context():
        assert current_state().config.db_path == other
        assert current_state().config.path == cfg.path
