"""Nothing is served without a signed-in user: pages redirect to /login, callbacks and the API
answer 401. Writes through Dash callbacks carry the session's CSRF token.

Dash's renderer sends the value of the `_csrf_token` cookie as an `X-CSRFToken` header on every
callback request (double-submit): another site can make the browser send our session cookie
(SameSite=Lax stops most of that) but cannot read the token to put in the header.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import flask

from dashboards.auth import audit, store
from dashboards.auth.context import set_user

SESSION_COOKIE = "safetyops_session"
CSRF_COOKIE = "_csrf_token"
CSRF_HEADER = "X-CSRFToken"
# Served to anyone: the sign-in page, its stylesheet and the favicon carry no data.
PUBLIC_PATHS = ("/login", "/logout", "/_favicon.ico")
PUBLIC_PREFIXES = ("/assets/",)
API_PREFIX = "/api/"


@dataclass(frozen=True)
class GuardSettings:
    users_path: Path


def install_guard(server: flask.Flask, settings: GuardSettings) -> None:
    @server.before_request
    def _guard():
        flask.request.host    # noqa: B018  (TRUSTED_HOSTS: an unknown Host is a 400 here, first)
        path = flask.request.path
        if path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES):
            return None
        if path.startswith(API_PREFIX):
            return _bearer(settings)
        return _session(settings, path)


def _session(settings: GuardSettings, path: str):
    found = store.session_user(settings.users_path, flask.request.cookies.get(SESSION_COOKIE))
    if found is None:
        if flask.request.method in ("GET", "HEAD") and not path.startswith("/_"):
            return flask.redirect(login_url(flask.request.full_path if flask.request.query_string else path))
        return json_error(401, "sign in first")
    user, csrf = found
    if flask.request.method not in ("GET", "HEAD"):
        sent = flask.request.headers.get(CSRF_HEADER, "")
        if not secrets.compare_digest(sent.encode(), csrf.encode()):
            return json_error(403, "missing or wrong CSRF token; reload the page")
    set_user(user, csrf)
    return None


def _bearer(settings: GuardSettings):
    header = flask.request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    user = store.user_for_token(settings.users_path, token.strip()) if scheme.lower() == "bearer" else None
    if user is None:
        return json_error(401, "send Authorization: Bearer TOKEN (see `safetyops users token NAME`)")
    set_user(user)
    audit.record(settings.users_path, "api", user.name, flask.request.path,
                 {"query": flask.request.query_string.decode("utf-8", "replace")[:500]},
                 flask.request.remote_addr)
    return None


def login_url(next_path: str) -> str:
    return "/login?" + urlencode({"next": next_path})


def json_error(status: int, message: str) -> flask.Response:
    response = flask.jsonify({"error": message, "status": status})
    response.status_code = status
    return response
