"""The signed-in user of the request being served, and the data scope that follows from it.

The guard (dashboards/auth/guard.py) sets `flask.g` before any view runs. Outside a request (the
background cache warm-up, tests calling a panel function directly) the server is acting for
itself and reads with the full scope; inside a request with no user the guard has been bypassed,
and reading refuses.
"""
from __future__ import annotations

import flask

from dashboards.auth.errors import Forbidden
from dashboards.auth.roles import FULL, Scope, User


def set_user(user: User, csrf: str | None = None) -> None:
    flask.g.safetyops_user = user
    flask.g.safetyops_csrf = csrf


def current_user() -> User | None:
    if not flask.has_request_context():
        return None
    return flask.g.get("safetyops_user")


def current_csrf() -> str | None:
    return flask.g.get("safetyops_csrf") if flask.has_request_context() else None


def current_scope() -> Scope:
    if not flask.has_request_context():
        return FULL
    user = flask.g.get("safetyops_user")
    if user is None:
        raise Forbidden("not signed in")
    return user.scope


def remote_address() -> str | None:
    return flask.request.remote_addr if flask.has_request_context() else None
