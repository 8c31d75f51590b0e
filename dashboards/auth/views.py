"""The sign-in and sign-out pages (plain Flask views; the form is escaped by Jinja)."""
from __future__ import annotations

from datetime import timedelta
from importlib import resources

import flask

from dashboards.auth import audit, store
from dashboards.auth.guard import CSRF_COOKIE, SESSION_COOKIE, GuardSettings
from dashboards.auth.headers import is_secure

MAX_FAILURES = 5                      # per user name or address ...
FAILURE_WINDOW = timedelta(minutes=15)  # ... within this window, then sign-in waits
MAX_FIELD = 1024
_TEMPLATE = resources.files("dashboards.auth").joinpath("login.html").read_text(encoding="utf-8")


def safe_next(value: str | None) -> str:
    """Only a path on this site (no scheme, no //host): the form must not redirect elsewhere."""
    value = (value or "/")[:2000]
    if not value.startswith("/") or value.startswith("//") or "\\" in value:
        return "/"
    return value


def login_page(message: str = "", name: str = "", status: int = 200, next_path: str = "/"):
    html = flask.render_template_string(_TEMPLATE, message=message, name=name[:64], next=next_path)
    return flask.Response(html, status=status, mimetype="text/html")


def install_views(server: flask.Flask, settings: GuardSettings, session_hours: float) -> None:
    path = settings.users_path

    @server.route("/login", methods=["GET", "POST"])
    def _login():
        form = flask.request.form
        next_path = safe_next(form.get("next") if flask.request.method == "POST" else flask.request.args.get("next"))
        if flask.request.method == "GET":
            return login_page(next_path=next_path)
        name, password = form.get("name", "")[:MAX_FIELD], form.get("password", "")[:MAX_FIELD]
        remote = flask.request.remote_addr or ""
        if store.recent_failures(path, name, remote, FAILURE_WINDOW) >= MAX_FAILURES:
            audit.record(path, "login_throttled", name[:64], None, None, remote)
            return login_page("Too many failed sign-ins: wait 15 minutes and try again.", name, 429, next_path)
        user = store.verify_password(path, name, password)
        if user is None:
            store.record_failure(path, name, remote)
            audit.record(path, "login_failed", name[:64], None, None, remote)
            return login_page("Wrong user name or password.", name, 401, next_path)
        sid, csrf = store.create_session(path, user, session_hours)
        audit.record(path, "login", user.name, None, {"role": user.role}, remote)
        response = flask.redirect(next_path)
        secure, max_age = is_secure(), int(session_hours * 3600)
        response.set_cookie(SESSION_COOKIE, sid, max_age=max_age, httponly=True, samesite="Lax", secure=secure)
        # readable by the page on purpose: Dash copies it into the X-CSRFToken header
        response.set_cookie(CSRF_COOKIE, csrf, max_age=max_age, httponly=False, samesite="Strict", secure=secure)
        return response

    @server.route("/logout", methods=["GET", "POST"])
    def _logout():
        sid = flask.request.cookies.get(SESSION_COOKIE)
        found = store.session_user(path, sid)
        store.end_session(path, sid)
        if found is not None:
            audit.record(path, "logout", found[0].name, None, None, flask.request.remote_addr)
        response = flask.redirect("/login")
        response.delete_cookie(SESSION_COOKIE)
        response.delete_cookie(CSRF_COOKIE)
        return response
