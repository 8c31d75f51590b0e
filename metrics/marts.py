"""Pre-aggregated tables the dashboard reads, rebuilt by the refresh inside the writable warehouse.

mart_daily: one row per local day (reporting zone) x region x language x vendor x abuse_category
  x priority x channel x high_profile, holding the additive components of cells_from_tickets.sql
  (n_created, n_solved, n_escalated, n_reopened, n_sla_decided, n_sla_met, sum_qa/n_qa,
  sum_csat/n_csat, and the backlog and age-band deltas). Every count, ratio and backlog metric is
  a sum of these, so run_query reads the mart and gets the same numbers as from tickets.
mart_daily_vendor / mart_daily_region_category / mart_daily_core: roll-ups of mart_daily over
  fewer dimensions (registry.MART_ROLLUPS); a query reads the smallest one that keeps its
  dimensions and filters.
mart_ticket_facts: one row per ticket (key, local creation and resolution days, response times).
  Percentiles cannot be summed, so they are computed exactly from these per-ticket rows (or from
  tickets for hour grain), with the filters applied.
mart_dimension_values: one row per dimension x value (filter validation without a scan).
mart_meta: what the marts were built from (as_of, ticket count, load runs, reporting zone, SLA
  targets). The marts are used only while all of these still match, so they can never serve
  stale or differently defined numbers: a missing or stale mart just means run_query reads tickets.
After loads, metrics/mart_update.py rebuilds only the local months they touched; metrics/mart_state.py
says whether the marts match the warehouse.
"""
from __future__ import annotations

import datetime as dt

import duckdb

from metrics.facts import Extent, extent
from metrics.mart_state import fingerprint
from metrics.registry import ADDITIVE_MARTS, FACTS_MART, MART_DIMENSIONS, MART_ROLLUPS
from metrics.sqltext import dims_sql, render, used_params

MART_TABLES = (*(name for name, _ in ADDITIVE_MARTS), FACTS_MART, "mart_dimension_values", "mart_meta")
_ALL_TIME_START = dt.datetime(1900, 1, 1, tzinfo=dt.timezone.utc)
_ALL_TIME_END = dt.datetime(2200, 1, 1, tzinfo=dt.timezone.utc)
# bounds of the month-sliceable statements (facts by instant, roll-ups by local day) for a full build
_ALL_TIME = {"start_at": _ALL_TIME_START, "end_at": _ALL_TIME_END,
             "local_start": dt.datetime(1900, 1, 1), "local_end": dt.datetime(2200, 1, 1)}


def build_marts(con: duckdb.DuckDBPyConnection, config) -> dict[str, int]:
    """(Re)build the mart tables in this writable connection; returns their row counts."""
    facts = extent(con)
    # no mart_meta while rebuilding: a half-built set of marts is never taken as current
    con.execute("DROP TABLE IF EXISTS mart_meta")
    params = {**build_params(config, facts), **_ALL_TIME}
    _build_mart_daily(con, params, has_tickets=facts.n_tickets > 0)
    for name, dims in MART_ROLLUPS:
        run(con, render("mart_rollup.sql", {"mart": name, "rows": rollup_rows_sql(dims)}), params)
    run(con, render("mart_ticket_facts.sql", {"rows": render("mart_ticket_facts_rows.sql", {})}), params)
    write_dimension_values_and_meta(con, config, facts, params)
    return mart_row_counts(con)


def build_params(config, facts: Extent) -> dict:
    return {
        "tz": config.reporting_timezone, "trunc_part": "day", "is_window": False, "fold_opening": False,
        "as_of": facts.as_of or _ALL_TIME_START, "data_start": facts.data_start or _ALL_TIME_START,
        **{f"sla_{p}_minutes": config.sla_frt_minutes[p] for p in ("urgent", "high", "normal", "low")},
    }


def rollup_rows_sql(dims) -> str:
    return render("mart_rollup_rows.sql", {"dims": dims_sql(dims)})


def daily_insert_sql() -> str:
    cells = render("cells_from_tickets.sql", {"dims": dims_sql(MART_DIMENSIONS), "filters": ""})
    return render("mart_daily.sql", {"cells": cells})


def insert_daily_slice(con, insert_sql: str, params: dict, local_start, start_at, end_at) -> None:
    # last_period/last_at only split whole windows: never used here, where is_window is false
    run(con, insert_sql, {**params, "first_period": local_start, "start_at": start_at,
                          "last_period": local_start, "last_at": start_at, "end_at": end_at})


def write_dimension_values_and_meta(con, config, facts: Extent, params: dict) -> None:
    """The marts not sliced by month, then mart_meta last (its presence vouches for the rest)."""
    run(con, render("mart_dimension_values.sql", {}), params)
    run(con, render("mart_meta.sql", {}), params)
    con.executemany("INSERT INTO mart_meta VALUES (?, ?)", list(fingerprint(config, facts).items()))


def mart_row_counts(con) -> dict[str, int]:
    return {name: con.execute(f"SELECT count(*) FROM {name}").fetchall()[0][0] for name in MART_TABLES}


def _build_mart_daily(con, params: dict, has_tickets: bool) -> None:
    """One local month at a time: a whole year of seven-dimension cells at once can take
    gigabytes of hash table; a month's slice a twelfth of it."""
    run(con, render("mart_daily_create.sql", {}), params)
    if not has_tickets:
        return
    insert = daily_insert_sql()
    for local_start, start_at, end_at in con.execute(render("mart_slices.sql", {}),
                                                     used_params(render("mart_slices.sql", {}), params)).fetchall():
        # the last slice is open-ended so nothing past the final month boundary is lost
        insert_daily_slice(con, insert, params, local_start, start_at, end_at or _ALL_TIME_END)


def run(con, sql: str, params: dict) -> None:
    con.execute(sql, used_params(sql, params))





def additive_mart_for(dims) -> str | None:
    """The smallest daily mart that keeps all of these dimensions, or None."""
    for name, kept in ADDITIVE_MARTS:
        if set(dims) <= set(kept):
            return name
    return None
