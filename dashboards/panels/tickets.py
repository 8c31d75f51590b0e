"""The drill-down ticket listing: server-side paging and sorting through metrics.ticket_rows."""
from __future__ import annotations

import math

import pandas as pd

from dashboards.filters import FILTER_DIMS, Filters, open_age, open_on
from dashboards.formatting import local_times
from dashboards.panels.base import Panel, PanelContext, register
from metrics.ticket_listing import MAX_PAGE

CSV_ROW_LIMIT = 50_000
COLUMNS = ("created_at", "source", "ticket_id", "status", "priority", "abuse_category", "region",
           "vendor", "language", "channel", "queue", "first_response_at", "resolved_at", "escalated",
           "high_profile", "reopen_count", "qa_score", "csat", "frt_minutes", "ttr_hours")
DEFAULT_SORT = (("created_at", "desc"),)
TIME_COLUMNS = ("created_at", "first_response_at", "resolved_at")


def sort_from_model(sort_model: list | None) -> tuple[tuple[str, str], ...]:
    """AG Grid's sortModel -> the metrics layer's sort, only on known columns."""
    out = tuple((s["colId"], "asc" if s.get("sort") == "asc" else "desc")
                for s in (sort_model or []) if s.get("colId") in COLUMNS)
    return out or DEFAULT_SORT


def filters_from_model(filters: Filters, filter_model: dict | None) -> Filters | None:
    """Column 'equals' filters narrow the bar's filters; None when they exclude every ticket."""
    changes = {}
    for col, spec in (filter_model or {}).items():
        if col not in FILTER_DIMS or not isinstance(spec, dict) or spec.get("filter") in (None, ""):
            continue
        value = str(spec["filter"])
        current = getattr(filters, col)
        if current and value not in current:
            return None
        changes[col] = (value,)
    return filters.with_values(**changes) if changes else filters


def json_records(df: pd.DataFrame, zone: str) -> list[dict]:
    """Rows for the grid: timestamps as 'YYYY-MM-DD HH:MM' in the reporting zone (the zone the
    filters' dates are in, so a ticket listed for 'created 08-19 to 08-21' shows a date in that
    range), missing values as null."""
    out = df[[c for c in COLUMNS if c in df.columns]].copy()
    for col in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[col]):
            out[col] = local_times(out[col], zone)
    records = out.astype(object).to_dict("records")
    return [{k: (None if isinstance(v, float) and math.isnan(v) or v is pd.NA or v is pd.NaT else v)
             for k, v in r.items()} for r in records]


def rows_response(ctx: PanelContext, request: dict | None) -> dict:
    """getRowsResponse for an infinite-model getRowsRequest."""
    request = request or {}
    start = max(int(request.get("startRow") or 0), 0)
    end = max(int(request.get("endRow") or start + 100), start)
    filters = filters_from_model(ctx.filters, request.get("filterModel"))
    if filters is None:
        return {"rowData": [], "rowCount": 0}
    page, total = ctx.read("tickets_page", filters, sort_from_model(request.get("sortModel")),
                           start, end - start, open_on(ctx.params), open_age(ctx.params))
    return {"rowData": json_records(page, ctx.config.reporting_timezone), "rowCount": int(total)}


def load_ticket_csv(ctx: PanelContext) -> pd.DataFrame:
    """The first CSV_ROW_LIMIT matching tickets, read a page (MAX_PAGE rows) at a time: one read
    of them all is refused by the listing, which bounds what a single request may fetch."""
    pages, offset = [], 0
    while offset < CSV_ROW_LIMIT:
        size = min(MAX_PAGE, CSV_ROW_LIMIT - offset)
        page, total = ctx.read("tickets_page", ctx.filters, DEFAULT_SORT, offset, size, open_on(ctx.params),
                               open_age(ctx.params))
        pages.append(page)
        offset += size
        if offset >= total:
            break
    return pd.concat(pages, ignore_index=True) if len(pages) > 1 else pages[0]


register(Panel("tickets", "Tickets", load_ticket_csv, lambda df, ctx: None, kind="grid"))
