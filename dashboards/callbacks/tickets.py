"""The ticket table's infinite row model: each scroll asks the server for one block of rows."""
from __future__ import annotations

from dash import Input, Output, State, html

from dashboards.callbacks import payloads
from dashboards.callbacks.panels import NO_WAREHOUSE, panel_context
from dashboards.filters import open_age, open_on
from dashboards.panels.backlog import AGE_LABELS
from dashboards.panels.tickets import rows_response
from dashboards.state import AppState, current_state
from core.errors import InputError
from core.warehouse import WarehouseMissing


def ticket_rows_response(state: AppState, request: dict | None, store: dict | None) -> dict:
    try:
        ctx = panel_context(state, (store or {}).get("search", ""), None)
        return rows_response(ctx, request)
    except (WarehouseMissing, InputError):
        return {"rowData": [], "rowCount": 0}


def ticket_count_text(state: AppState, store: dict | None) -> str:
    try:
        ctx = panel_context(state, (store or {}).get("search", ""), None)
        total = rows_response(ctx, {"startRow": 0, "endRow": 1})["rowCount"]
    except WarehouseMissing:
        return NO_WAREHOUSE
    except InputError as exc:
        return str(exc)
    day, band = open_on(ctx.params), open_age(ctx.params)
    aged = f", aged {AGE_LABELS.get(band, band)}" if band else ""
    if total == 0:
        return f"No tickets were open at the end of {day}{aged} with these filters" if day else \
            "No tickets match these filters"
    if day:
        return f"{total:,} tickets open at the end of {day}{aged} (that day's backlog) · {ctx.filters.describe()}"
    window = f"{ctx.filters.date_from} to {ctx.filters.date_to}"
    return f"{total:,} tickets · created {window} · {ctx.filters.describe()}"


def register(app) -> None:
    @app.callback(Output("tickets-grid", "getRowsResponse"), Input("tickets-grid", "getRowsRequest"),
                  State("tickets-query", "data"), prevent_initial_call=True)
    def _rows(request, store):
        return ticket_rows_response(current_state(), payloads.row_request(request), payloads.search_store(store))

    @app.callback(Output("tickets-count", "children"), Input("tickets-query", "data"))
    def _count(store):
        return html.Span(ticket_count_text(current_state(), payloads.search_store(store)))
