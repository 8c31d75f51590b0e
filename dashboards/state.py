"""Per-app state (config, cached warehouse access), found from inside a request.

Dash's page registry is process-global, so page layouts and callbacks look the app's state up on
the Flask app serving the request instead of keeping it in module globals; two apps on two
warehouses (as in tests) never see each other's data.
"""
from __future__ import annotations

from dataclasses import dataclass

import flask

from dashboards.data_access import DataAccess
from core.config import Config

_STATE_KEY = "SAFETYOPS_DASH_STATE"


@dataclass
class AppState:
    config: Config
    data: DataAccess


def attach_state(server: flask.Flask, state: AppState) -> None:
    server.config[_STATE_KEY] = state


def current_state() -> AppState:
    return flask.current_app.config[_STATE_KEY]
