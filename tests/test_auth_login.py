"""Sign-in, sessions and the guard in front of every route, on a real app and a real user store."""
from __future__ import annotations

import sqlite3

import dash
import pytest

from dashboards.app import create_app
from dashboards.auth import audit, store
from dashboards.auth.guard import CSRF_COOKIE, SESSION_COOKIE
from safetyops.cli import main
from tests.auth_fixtures import PASSWORD, ensure_user, signed_in_client
from tests.dashboard_fixtures import config_for, sample_rows, write_warehouse


@pytest.fixture
def site(tmp_path):
    cfg = config_for(tmp_path)
    write_warehouse(cfg.db_path, sample_rows(days=7))
    return cfg, create_app(cfg)


# the pattern-matching output of the panel graph callback, as Dash lists it in /_dash-dependencies
GRAPH_OUTPUT = '{"name":["MATCH"],"type":"graph"}.figure'


def page_paths() -> list[str]:
    return [(p.get("path_template") or "").replace("<anomaly_id>", "x") or p["path"]
            for p in dash.page_registry.values()]


def panel_payload(name: str = "overview-inflow") -> dict:
    return {"output": GRAPH_OUTPUT,
            "outputs": {"id": {"name": name, "type": "graph"}, "property": "figure"},
            "inputs": [{"id": {"name": name, "type": "graph-query"}, "property": "data", "value": {"search": ""}},
                       {"id": "theme-store", "property": "data", "value": "light"}],
            "state": [{"id": {"name": name, "type": "graph-query"}, "property": "id",
                       "value": {"name": name, "type": "graph-query"}}], "changedPropIds": []}


def test_without_a_session_pages_redirect_and_data_routes_answer_401(site):
    _cfg, app = site
    client = app.server.test_client()
    signed_in_client(app).get("/")          # let Dash register its page routes
    for path in page_paths() + ["/tickets?region=BR"]:
        resp = client.get(path)
        assert resp.status_code == 302, path
        assert resp.headers["Location"].startswith("/login?next=")
    for path in ("/_dash-layout", "/_dash-dependencies", "/_dash-component-suites/dash/dcc/dash_core_components.js",
                 "/api/v1/metrics", "/api/v1/metrics/inflow", "/api/v1/anomalies"):
        assert client.get(path).status_code == 401, path
    resp = client.post("/_dash-update-component", json=panel_payload())
    assert resp.status_code == 401
    assert resp.get_json()["status"] == 401
    # the sign-in page and its stylesheet are public
    assert client.get("/login").status_code == 200
    assert client.get("/assets/style.css").status_code == 200


def test_sign_in_sets_safe_cookies_and_opens_the_pages(site):
    cfg, app = site
    ensure_user(cfg, "lea", "lead")
    client = app.server.test_client()
    resp = client.post("/login", data={"name": "lea", "password": PASSWORD, "next": "/vendors?region=BR"})
    assert resp.status_code == 302 and resp.headers["Location"] == "/vendors?region=BR"
    cookies = {c.split("=", 1)[0]: c for c in resp.headers.getlist("Set-Cookie")}
    assert "HttpOnly" in cookies[SESSION_COOKIE] and "SameSite=Lax" in cookies[SESSION_COOKIE]
    assert "HttpOnly" not in cookies[CSRF_COOKIE]          # Dash reads it for the X-CSRFToken header
    assert client.get("/vendors").status_code == 200
    # a callback without the CSRF header is refused, with it it runs
    assert client.post("/_dash-update-component", json=panel_payload()).status_code == 403
    ok = client.post("/_dash-update-component", json=panel_payload(),
                     headers={"X-CSRFToken": client.get_cookie(CSRF_COOKIE).value})
    assert ok.status_code == 200
    # sign out ends the session on the server: the old cookie no longer opens anything
    sid = client.get_cookie(SESSION_COOKIE).value
    client.get("/logout")
    other = app.server.test_client()
    other.set_cookie(SESSION_COOKIE, sid)
    assert other.get("/vendors").status_code == 302
    actions = [e["action"] for e in audit.entries(store.users_path(cfg))]
    assert actions[:2] == ["logout", "login"]


def test_sign_in_only_redirects_within_the_site(site):
    cfg, app = site
    ensure_user(cfg)
    client = app.server.test_client()
    for target in ("https://evil.example/", "//evil.example/x", "/\\evil.example"):
        resp = client.post("/login", data={"name": "ana", "password": PASSWORD, "next": target})
        assert resp.headers["Location"] == "/"


def test_failed_sign_ins_are_audited_and_rate_limited(site):
    cfg, app = site
    ensure_user(cfg)
    client = app.server.test_client()
    for _ in range(5):
        resp = client.post("/login", data={"name": "ana", "password": "wrong password!"})
        assert resp.status_code == 401
        assert b"Wrong user name or password" in resp.data
    # the sixth try is refused even with the right password
    resp = client.post("/login", data={"name": "ana", "password": PASSWORD})
    assert resp.status_code == 429
    entries = audit.entries(store.users_path(cfg))
    assert [e["action"] for e in entries[:6]] == ["login_throttled"] + ["login_failed"] * 5
    assert all(e["remote"] == "127.0.0.1" and e["who"] == "ana" for e in entries[:6])


def test_no_password_or_secret_is_stored_or_logged_in_clear(site):
    cfg, app = site
    path = store.users_path(cfg)
    ensure_user(cfg)
    token = store.new_token(path, "ana")
    client = signed_in_client(app)
    sid = client.get_cookie(SESSION_COOKIE).value
    client.post("/login", data={"name": "ana", "password": "a wrong guess 123"})
    raw = b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))
    for secret in (PASSWORD, token, sid, "a wrong guess 123"):
        assert secret.encode() not in raw
    assert oct(path.stat().st_mode & 0o777) == "0o600"


def test_removing_a_user_ends_their_sessions(site):
    cfg, app = site
    client = signed_in_client(app, "rui", "analyst")
    assert client.get("/").status_code == 200
    assert main(["--config", str(cfg.path), "users", "remove", "rui"]) == 0
    assert client.get("/").status_code == 302


def test_audit_log_is_append_only(site):
    cfg, _app = site
    path = store.users_path(cfg)
    audit.record(path, "login", "ana", remote="10.0.0.1")
    con = sqlite3.connect(path)
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        con.execute("UPDATE audit_log SET who = 'eve'")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        con.execute("DELETE FROM audit_log")
    con.close()


def test_unknown_host_header_is_refused_and_headers_are_set(tmp_path):
    cfg = config_for(tmp_path, extra_toml='[auth]\nallowed_hosts = ["desk.example.org"]\n')
    write_warehouse(cfg.db_path, sample_rows(days=3))
    app = create_app(cfg)
    client = app.server.test_client()
    assert client.get("/login", headers={"Host": "attacker.example"}).status_code == 400
    assert client.get("/login", headers={"Host": "desk.example.org"}).status_code == 200
    resp = client.get("/login", headers={"Host": "127.0.0.1:8050"})
    assert resp.status_code == 200
    csp = resp.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "script-src 'self' 'sha256-" in csp
    assert resp.headers["X-Frame-Options"] == "DENY"
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert resp.headers["Referrer-Policy"] == "no-referrer"


def test_the_csp_lists_every_inline_script_the_page_runs(site):
    """Dash adds the pages router's script at its first request: the header must follow it."""
    import base64
    import hashlib
    import re
    _cfg, app = site
    client = signed_in_client(app)
    resp = client.get("/")
    csp = resp.headers["Content-Security-Policy"]
    html = re.sub(r"<!--.*?-->", "", resp.get_data(as_text=True), flags=re.S)
    inline = [body for attrs, body in re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
              if "src=" not in attrs and "application/json" not in attrs]
    assert len(inline) >= 2
    for body in inline:
        digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in csp
    assert "'unsafe-inline'" not in csp.split("script-src", 1)[1].split(";", 1)[0]
