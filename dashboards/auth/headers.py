"""Security headers on every response and the Host allow-list.

The Content-Security-Policy allows scripts only from this server plus Dash's own inline start-up
script (by hash, `app.csp_hashes()`); Dash and plotly set element styles, so inline styles are
allowed. No page may be framed (clickjacking), nothing is content-sniffed and no referrer leaves.
A Host header outside the allow-list is refused (Flask's TRUSTED_HOSTS): a DNS-rebinding page
cannot reach a dashboard bound to 127.0.0.1.
"""
from __future__ import annotations

from typing import Callable

import flask

LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


def trusted_hosts(extra: tuple[str, ...]) -> list[str]:
    return list(LOCAL_HOSTS) + [h for h in extra if h not in LOCAL_HOSTS]


def content_security_policy(script_hashes: list[str]) -> str:
    directives = {
        "default-src": ["'self'"],
        "script-src": ["'self'", *script_hashes],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())


def install_headers(server: flask.Flask, script_hashes: Callable[[], list[str]]) -> None:
    """`script_hashes` is asked on every response: Dash adds inline scripts (the pages router's
    clientside callback) at its first request, after the app is built."""
    @server.after_request
    def _security_headers(response: flask.Response) -> flask.Response:
        h = response.headers
        h["Content-Security-Policy"] = content_security_policy(script_hashes())
        h["X-Frame-Options"] = "DENY"
        h["X-Content-Type-Options"] = "nosniff"
        h["Referrer-Policy"] = "no-referrer"
        h["Cross-Origin-Opener-Policy"] = "same-origin"
        if is_secure():
            h["Strict-Transport-Security"] = "max-age=31536000"
        path = flask.request.path
        if path.startswith(("/_dash-update-component", "/api/", "/login")):
            h["Cache-Control"] = "no-store"
        return response


def is_secure() -> bool:
    """Behind a TLS reverse proxy the request reaches us as http with X-Forwarded-Proto: https."""
    return flask.request.is_secure or flask.request.headers.get("X-Forwarded-Proto", "") == "https"
