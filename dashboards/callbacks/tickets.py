"""The ticket table's infinite row model: each scroll asks the server for one block of rows."""
from __future__ import annotations

from dash import Input, Output, State, html

from dashboards.callbacks.panels import NO_WAREHOUSE, panel_context
from dashboards.panels.tickets import rows_response
from dashboards.state import AppState, current_state
from pipelines.errors import InputError
from pipelines.warehouse import WarehouseMissing


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
    if total == 0:
        return "No tickets match these filters"
    window = f"{ctx.filters.date_from} to {ctx.filters.date_to}"
    return f"{total:,} tickets · created {window} · {ctx.filters.describe()}"


def register(app) -> None:
    @app.callback(Output("tickets-grid", "getRowsResponse"), Input("tickets-grid", "getRowsRequest"),
                  State("tickets-query", "data"), prevent_initial_call=True)
    def _rows(request, store):
        return ticket_rows_response(current_state(), request, store)

    @app.callback(Output("tickets-count", "children"), Input("tickets-query", "data"))
    def _count(store):
        return html.Span(ticket_count_text(current_state(), store))
