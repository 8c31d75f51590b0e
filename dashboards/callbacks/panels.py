"""Drawing any panel, exporting its data, and drilling from its points to the ticket table."""
from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

import pandas as pd
from dash import ALL, MATCH, Input, Output, State, callback_context, html, no_update

from dashboards.annotations_feed import annotations_in_window
from dashboards.callbacks import payloads
from dashboards.components import LOCATION_ID, THEME_STORE
from dashboards.csv_export import download_payload
from dashboards.figures import annotation_markers, message_figure
from dashboards.filters import FILTER_DIMS, TICKET_PAGE_KEYS, Filters, page_params
from dashboards.panels.base import PANELS, PanelContext, get_panel
from dashboards.state import AppState, current_state
from dashboards.theme import normalise_theme
from core.errors import InputError
from core.warehouse import WarehouseMissing

NO_WAREHOUSE = "No warehouse yet: load tickets with `safetyops ingest` or `safetyops refresh`"
TICKETS_PATH = "/tickets"


def panel_context(state: AppState, search: str | None, theme: str | None) -> PanelContext:
    filters = Filters.from_search(search)
    start, end = clamp_to_data(*filters.resolved_range(state.data.read("as_of_date")),
                               state.data.read("data_dates"))
    return PanelContext(data=state.data, config=state.config,
                        filters=filters.with_values(date_from=start, date_to=end),
                        params=page_params(search), theme=normalise_theme(theme))


def clamp_to_data(start, end, data_dates):
    """A window reaching past the data is cut to the days that hold tickets: `from=0001-01-01`
    must not make every chart draw (and every worker hold) centuries of empty days. A window
    wholly outside the data is left alone; the panels say it holds no tickets."""
    if data_dates is None or end < data_dates[0] or start > data_dates[1]:
        return start, end
    return max(start, data_dates[0]), min(end, data_dates[1])


def load_panel(state: AppState, name: str, search: str | None, theme: str | None = None):
    """(panel, context, data frame) for a panel under the filters in `search`."""
    panel = get_panel(name)
    ctx = panel_context(state, search, theme)
    return panel, ctx, panel.load(ctx)


def render_graph(state: AppState, name: str, store: dict | None, theme: str | None):
    search = (store or {}).get("search", "")
    try:
        panel, ctx, df = load_panel(state, name, search, theme)
        if panel.is_empty(df):
            return message_figure(panel.empty_text, theme)
        fig = panel.render(df, ctx)
        if panel.trend:
            annotation_markers(fig, _annotations(state, ctx))
        return fig
    except WarehouseMissing:
        return message_figure(NO_WAREHOUSE, theme)
    except InputError as exc:
        return message_figure(str(exc), theme)


def render_block(state: AppState, name: str, store: dict | None, theme: str | None):
    search = (store or {}).get("search", "")
    try:
        panel, ctx, df = load_panel(state, name, search, theme)
        if panel.is_empty(df):
            return html.P(panel.empty_text, className="empty")
        return panel.render(df, ctx)
    except WarehouseMissing:
        return html.P(NO_WAREHOUSE, className="empty")
    except InputError as exc:
        return html.P(str(exc), className="empty")


def panel_csv(state: AppState, name: str, search: str | None) -> dict:
    """dcc.Download data for the panel's own data frame under the current filters."""
    try:
        _panel, ctx, df = load_panel(state, name, search)
        label = f"{name}_{ctx.filters.date_from}_{ctx.filters.date_to}"
    except (WarehouseMissing, InputError) as exc:
        # never an empty file that reads as "no tickets": the file says why there is no data
        df, label = pd.DataFrame({"error": [str(exc)]}), f"{name}_error"
    return download_payload(df, label, state.config.reporting_timezone)


def drill_search(current_search: str | None, fragment: str) -> str:
    """The clicked slice narrows the current filters: its dimensions and period replace theirs (a
    backlog point's day and age band go to the ticket page as its own keys, open_on and open_age)."""
    base = Filters.from_search(current_search)
    changes: dict = {}
    ticket_page_keys: list[tuple[str, str]] = []
    for key, value in parse_qsl(fragment or ""):
        if key in TICKET_PAGE_KEYS:
            ticket_page_keys.append((key, value))
        elif key in FILTER_DIMS:
            changes[key] = (value,)
        elif key == "from":
            changes["date_from"] = Filters.from_search(f"from={value}").date_from
        elif key == "to":
            changes["date_to"] = Filters.from_search(f"to={value}").date_to
        elif key == "high_profile":
            changes["high_profile"] = Filters.from_search(f"high_profile={value}").high_profile
    pairs = base.with_values(**changes).to_pairs() + ticket_page_keys
    return "?" + urlencode(pairs) if pairs else ""


def drill_href(current_search: str | None, click_data: dict | None) -> str | None:
    """Ticket-table URL for a clicked point, or None when the point carries no slice."""
    points = (click_data or {}).get("points") or []
    if not points:
        return None
    fragment = points[0].get("customdata")
    if isinstance(fragment, list):   # heatmaps hand back the cell's value
        fragment = fragment[0] if fragment else None
    if not isinstance(fragment, str):
        return None
    return TICKETS_PATH + drill_search(current_search, fragment)


def _annotations(state: AppState, ctx: PanelContext):
    return annotations_in_window(state.config, ctx.filters)


def cached_graph(state: AppState, name: str, store: dict | None, theme: str | None):
    """The figure as JSON, drawn once per (panel, URL, theme, warehouse version, triage state)."""
    draw = lambda: render_graph(state, name, store, theme).to_plotly_json()  # noqa: E731
    if not get_panel(name).cacheable:
        return draw()
    return state.data.memo(("graph", name, (store or {}).get("search", ""), normalise_theme(theme)), draw)


def cached_block(state: AppState, name: str, store: dict | None, theme: str | None):
    draw = lambda: render_block(state, name, store, theme)  # noqa: E731
    if not get_panel(name).cacheable:
        return draw()
    return state.data.memo(("block", name, (store or {}).get("search", ""), normalise_theme(theme)), draw)


def checked_panel_call(store, theme, store_id) -> tuple[str, dict, str | None]:
    """(panel name, query store, theme) of a panel callback, or a 400 for a malformed payload."""
    name = payloads.panel_name(store_id, PANELS)
    return name, payloads.search_store(store), payloads.optional_text(theme, "theme", 20)


def register(app) -> None:
    @app.callback(Output({"type": "graph", "name": MATCH}, "figure"),
                  Input({"type": "graph-query", "name": MATCH}, "data"), Input(THEME_STORE, "data"),
                  State({"type": "graph-query", "name": MATCH}, "id"))
    def _graph(store, theme, store_id):
        name, store, theme = checked_panel_call(store, theme, store_id)
        return cached_graph(current_state(), name, store, theme)

    @app.callback(Output({"type": "block", "name": MATCH}, "children"),
                  Input({"type": "block-query", "name": MATCH}, "data"), Input(THEME_STORE, "data"),
                  State({"type": "block-query", "name": MATCH}, "id"))
    def _block(store, theme, store_id):
        name, store, theme = checked_panel_call(store, theme, store_id)
        return cached_block(current_state(), name, store, theme)

    @app.callback(Output({"type": "download", "name": MATCH}, "data"),
                  Input({"type": "csv", "name": MATCH}, "n_clicks"), State(LOCATION_ID, "search"),
                  State({"type": "csv", "name": MATCH}, "id"), prevent_initial_call=True)
    def _csv(n_clicks, search, button_id):
        payloads.optional_int(n_clicks, "n_clicks")
        payloads.optional_text(search, "search", payloads.MAX_SEARCH)
        name = payloads.panel_name(button_id, PANELS)
        if not n_clicks:
            return no_update
        return panel_csv(current_state(), name, search)

    @app.callback(Output(LOCATION_ID, "href"),
                  Input({"type": "graph", "name": ALL}, "clickData"), State(LOCATION_ID, "search"),
                  prevent_initial_call=True)
    def _drill(_clicks, search):
        payloads.optional_text(search, "search", payloads.MAX_SEARCH)
        triggered = callback_context.triggered
        if not triggered or not triggered[0].get("value"):
            return no_update
        href = drill_href(search, payloads.click_data(triggered[0]["value"]))
        return href if href else no_update
