"""The header: the data-freshness banner and the light/dark theme switch."""
from __future__ import annotations

import json
from pathlib import Path

from dash import Input, Output, State, html

from dashboards.callbacks import payloads
from dashboards.components import REFRESH_TICK, THEME_STORE
from dashboards.formatting import format_local
from dashboards.state import AppState, current_state
from dashboards.warmup import maybe_warm
from core.errors import SafetyopsError
from core.warehouse import WarehouseMissing


def read_refresh_status(path: Path) -> dict | None:
    """The refresh job's last outcome ({"finished_at", "status", "error"}), or None if never run."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError, OSError):
        return None
    return data if isinstance(data, dict) else None


def banner(state: AppState) -> list:
    """'Data as of … · last refresh ok at …' — the failure case in red with its error text. Both
    times in the reporting zone, named."""
    zone = state.config.reporting_timezone
    try:
        stamp = state.data.read("as_of")
        as_of_text = "no tickets loaded yet" if stamp is None else \
            f"data as of {format_local(stamp, zone, with_zone=True)}"
    except WarehouseMissing:
        as_of_text = "no warehouse yet"
    except SafetyopsError as exc:
        as_of_text = f"warehouse unreadable: {exc}"
    parts = [html.Span(as_of_text, className="as-of")]
    status = read_refresh_status(state.config.refresh_status_path)
    if status is None:
        parts.append(html.Span(" · no refresh recorded", className="muted"))
    else:
        ok = str(status.get("status", "")).lower() == "ok"
        finished = format_local(status.get("finished_at"), zone, with_zone=True)
        text = f" · last refresh {'ok' if ok else 'FAILED'} at {finished if finished != '–' else '?'}"
        if not ok and status.get("error"):
            text += f": {status['error']}"
        parts.append(html.Span(text, className="refresh-ok" if ok else "refresh-failed"))
    return parts


def toggle_theme(n_clicks: int | None, theme: str | None) -> str:
    current = theme if theme in ("light", "dark") else "light"
    if not n_clicks:
        return current
    return "dark" if current == "light" else "light"


def register(app) -> None:
    @app.callback(Output("data-banner", "children"), Input(REFRESH_TICK, "n_intervals"))
    def _banner(tick):
        payloads.optional_int(tick, "n_intervals")
        state = current_state()          # the banner's tick is the first to see a new warehouse
        maybe_warm(state)
        return banner(state)

    @app.callback(Output(THEME_STORE, "data"), Input("theme-toggle", "n_clicks"), State(THEME_STORE, "data"),
                  prevent_initial_call=True)
    def _theme(n_clicks, theme):
        payloads.optional_int(n_clicks, "n_clicks")
        payloads.optional_text(theme, "theme", 20)
        return toggle_theme(n_clicks, theme)

    app.clientside_callback(
        """
        function(theme) {
            var t = theme === 'dark' ? 'dark' : 'light';
            document.documentElement.setAttribute('data-theme', t);
            return t === 'dark' ? 'Light theme' : 'Dark theme';
        }
        """,
        Output("theme-toggle", "children"), Input(THEME_STORE, "data"),
    )
