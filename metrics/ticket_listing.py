"""Ticket-level reads: the drill-down listing and the tickets at risk of breaching their SLA."""
from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from metrics.errors import InvalidQuery
from metrics.facts import extent
from metrics.periods import make_window
from metrics.query import normalize_filters
from metrics.sqltext import fetch_df, fetch_rows, filters_sql, render
from core.config import Config

SORTABLE = ("created_at", "first_response_at", "resolved_at", "status", "priority", "channel",
            "abuse_category", "region", "language", "vendor", "queue", "escalated", "high_profile",
            "reopen_count", "qa_score", "csat", "frt_minutes", "ttr_hours", "source", "ticket_id")
MAX_PAGE = 10_000
_EARLIEST = dt.date(1900, 1, 1)
_LATEST = dt.date(2199, 12, 31)
BREACH_COLUMNS = ["source", "ticket_id", "created_at", "priority", "region", "vendor", "queue",
                  "abuse_category", "target_at", "minutes_left"]


# The two sets of tickets the listing can show (the @scope@ of ticket_rows.sql / ticket_count.sql).
CREATED_IN_WINDOW = "created_at >= $start_at AND created_at < $end_at"
# the backlog metric's definition (metrics/sql/backlog.sql) at the end of the window
OPEN_AT_END = "created_at < $end_at AND (resolved_at IS NULL OR resolved_at >= $end_at)"
# ... and its age bands there, as backlog.sql counts them: aged A or more when created_at + A <= end
OPEN_AGE_BANDS = {
    "lt_1d": " AND created_at > $end_at - INTERVAL 24 HOUR",
    "1_3d": " AND created_at <= $end_at - INTERVAL 24 HOUR AND created_at > $end_at - INTERVAL 72 HOUR",
    "3_7d": " AND created_at <= $end_at - INTERVAL 72 HOUR AND created_at > $end_at - INTERVAL 168 HOUR",
    "gt_7d": " AND created_at <= $end_at - INTERVAL 168 HOUR",
}


def ticket_rows(con: duckdb.DuckDBPyConnection, config: Config, filters=(), date_from=None, date_to=None,
                sort=(("created_at", "desc"),), offset: int = 0, limit: int = 100,
                open_at_end_of: dt.date | None = None, open_age: str | None = None) -> tuple[pd.DataFrame, int]:
    """One page of tickets created in [date_from, date_to] (local dates) matching the filters,
    and the total number matching. With `open_at_end_of` (a local date) instead: the tickets open
    at the end of that day, whenever they were created, which is what the backlog counts for it;
    `open_age` (a key of OPEN_AGE_BANDS) narrows them to one of the backlog's age bands then.
    No reporter_hash."""
    if not 0 < limit <= MAX_PAGE or offset < 0:
        raise InvalidQuery(f"page must have 0 < limit <= {MAX_PAGE} and offset >= 0 (got {limit}, {offset})")
    if open_age is not None and (open_at_end_of is None or open_age not in OPEN_AGE_BANDS):
        raise InvalidQuery(f"an age band ({', '.join(OPEN_AGE_BANDS)}) needs the day whose end it is "
                           f"measured at (got {open_age!r}, day {open_at_end_of})")
    where, params = filters_sql(normalize_filters(con, filters))
    if open_at_end_of is None:
        window = make_window(con, config.reporting_timezone, "day", date_from or _EARLIEST, date_to or _LATEST)
        scope = CREATED_IN_WINDOW
    else:
        window = make_window(con, config.reporting_timezone, "day", open_at_end_of, open_at_end_of)
        scope = OPEN_AT_END + (OPEN_AGE_BANDS[open_age] if open_age else "")
    params.update(start_at=window.start_at, end_at=window.end_at, limit=limit, offset=offset)
    tokens = {"filters": where, "order": _order_sql(sort), "scope": scope}
    total = fetch_rows(con, render("ticket_count.sql", tokens), params)[0][0]
    page = fetch_df(con, render("ticket_rows.sql", tokens), params)
    return page, int(total)


def _order_sql(sort) -> str:
    parts = []
    for column, direction in sort:
        if column not in SORTABLE:
            raise InvalidQuery(f"cannot sort by {column!r}; sortable: {', '.join(SORTABLE)}")
        if direction.lower() not in ("asc", "desc"):
            raise InvalidQuery(f"sort direction {direction!r} must be asc or desc")
        parts.append(f"{column} {direction.upper()} NULLS LAST")
    # a stable order for paging even when the asked-for columns tie
    parts += ["source ASC", "ticket_id ASC"]
    return ", ".join(parts)


def breach_risk_tickets(con: duckdb.DuckDBPyConnection, config: Config, filters=(),
                        hours: float | None = None, now: dt.datetime | None = None) -> pd.DataFrame:
    """Tickets open and unanswered in the data (as of its newest timestamp) whose first-response
    target falls within the next N hours of `now` (default: the data's as_of), soonest first;
    minutes_left counts from `now`. The dashboard passes the clock: "about to breach" is about the
    real next hours, and stale data shows none rather than targets long passed."""
    facts = extent(con)
    if facts.as_of is None:
        return pd.DataFrame({c: [] for c in BREACH_COLUMNS})
    now = facts.as_of if now is None else now
    hours = config.breach_risk_hours if hours is None else hours
    if hours <= 0:
        raise InvalidQuery(f"breach-risk horizon must be positive hours (got {hours})")
    where, params = filters_sql(normalize_filters(con, filters))
    sla = config.sla_frt_minutes
    params.update(as_of=facts.as_of, now=now, horizon_us=int(round(hours * 3_600_000_000)),
                  # a target in [now, now + horizon) means created after now - the longest target:
                  # the scan skips every older row group
                  created_after=now - dt.timedelta(minutes=max(sla.values())),
                  **{f"sla_{p}_minutes": sla[p] for p in ("urgent", "high", "normal", "low")})
    frame = fetch_df(con, render("breach_risk_tickets.sql", {"filters": where}), params)
    return frame[BREACH_COLUMNS]
