"""The Dash app factory: `create_app(config)` for app.py, tests and the WSGI server."""
from __future__ import annotations

from pathlib import Path

import dash
from dash import dcc, html

from dashboards import panels  # noqa: F401  (registers every panel)
from dashboards.api import install_api
from dashboards.auth.web import protect
from dashboards.auth.context import current_user
from dashboards.callbacks import anomalies as anomaly_callbacks
from dashboards.callbacks import chrome, filter_sync, payloads, tickets
from dashboards.callbacks import panels as panel_callbacks
from dashboards.components import REFRESH_TICK, THEME_STORE, filter_bar, header
from dashboards.data_access import DataAccess, make_cache
from dashboards.figures import warm_figure_code
from dashboards.state import AppState, attach_state
from dashboards.warmup import finish_setup
from core.config import Config

HERE = Path(__file__).resolve().parent
BANNER_REFRESH_MS = 60_000


def create_app(config: Config) -> dash.Dash:
    app = dash.Dash(
        __name__, use_pages=True, pages_folder=str(HERE / "pages"), assets_folder=str(HERE / "assets"),
        title="safetyops", update_title=None, serve_locally=True,
    )
    app.layout = layout
    attach_state(app.server, AppState(config=config, data=DataAccess(config, make_cache(app.server, config))))
    for module in (filter_sync, panel_callbacks, chrome, tickets, anomaly_callbacks):
        module.register(app)
    protect(app.server, config, app.csp_hashes)     # the CSP lists Dash's inline scripts by hash
    payloads.install_envelope_check(app)
    install_api(app.server)
    warm_figure_code()
    finish_setup(app)      # every worker fully set up before it serves (see warmup.finish_setup)
    return app


def layout() -> html.Div:
    """Built per request, for the signed-in user (their name and the sign-out link in the header)."""
    return html.Div([
        dcc.Store(id=THEME_STORE, storage_type="local"),
        dcc.Interval(id=REFRESH_TICK, interval=BANNER_REFRESH_MS),
        header(current_user()),
        filter_bar(),
        html.Main(dash.page_container, className="main"),
    ], className="app")
