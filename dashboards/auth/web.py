"""Putting the sign-in pages, the guard, the Host allow-list and the security headers on a server."""
from __future__ import annotations

from typing import Callable

import flask

from core.config import Config
from dashboards.auth.guard import GuardSettings, install_guard
from dashboards.auth.headers import install_headers, trusted_hosts
from dashboards.auth.store import users_path
from dashboards.auth.views import install_views


def protect(server: flask.Flask, config: Config, script_hashes: Callable[[], list[str]]) -> None:
    """Host allow-list, security headers, sign-in pages and the guard in front of every route."""
    server.config["TRUSTED_HOSTS"] = trusted_hosts(config.allowed_hosts)
    settings = GuardSettings(users_path=users_path(config))
    install_headers(server, script_hashes)
    install_views(server, settings, config.session_hours)
    install_guard(server, settings)
