"""Pre-aggregated tables the dashboard reads, rebuilt by the refresh inside the writable warehouse.

mart_daily: one row per local day (reporting zone) x region x language x vendor x abuse_category
x priority x channel x high_profile, holding the additive components of cells_from_tickets.sql
(n_created, n_solved, n_escalated, n_reopened, n_sla_decided, n_sla_met, sum_qa/n_qa,
sum_csat/n_csat, and the backlog and age-band deltas). Every count, ratio and backlog metric is a
sum of these, so run_query reads the mart and gets the same numbers as from tickets.
Percentiles cannot be summed: they are always computed exactly from tickets with the filters applied.

mart_meta: what the mart was built from (as_of, ticket count, reporting zone, SLA targets). The
mart is used only while all of these still match, so it can never serve stale or differently
defined numbers: a missing or stale mart just means run_query reads tickets.
"""
from __future__ import annotations

import datetime as dt
import json

import duckdb

from metrics.facts import Extent, extent
from metrics.registry import MART_DIMENSIONS
from metrics.sqltext import dims_sql, render, used_params

MART_VERSION = "1"
MART_TABLES = ("mart_daily", "mart_meta")
_ALL_TIME_START = dt.datetime(1900, 1, 1, tzinfo=dt.timezone.utc)
_ALL_TIME_END = dt.datetime(2200, 1, 1, tzinfo=dt.timezone.utc)


def fingerprint(config, facts: Extent) -> dict[str, str]:
    return {
        "mart_version": MART_VERSION,
        "as_of": facts.as_of.isoformat() if facts.n_tickets else "",
        "n_tickets": str(facts.n_tickets),
        "reporting_timezone": config.reporting_timezone,
        "sla_frt_minutes": json.dumps(dict(sorted(config.sla_frt_minutes.items()))),
    }


def build_marts(con: duckdb.DuckDBPyConnection, config) -> dict[str, int]:
    """(Re)build the mart tables in this writable connection; returns their row counts."""
    facts = extent(con)
    params = {
        "tz": config.reporting_timezone, "trunc_part": "day", "is_window": False,
        "first_period": dt.datetime(1900, 1, 1), "start_at": _ALL_TIME_START, "end_at": _ALL_TIME_END,
        "as_of": facts.as_of or _ALL_TIME_START,
        **{f"sla_{p}_minutes": config.sla_frt_minutes[p] for p in ("urgent", "high", "normal", "low")},
    }
    cells = render("cells_from_tickets.sql", {"dims": dims_sql(MART_DIMENSIONS), "filters": ""})
    sql = render("mart_daily.sql", {"cells": cells})
    con.execute(sql, used_params(sql, params))
    con.execute(render("mart_meta.sql", {}))
    con.executemany("INSERT INTO mart_meta VALUES (?, ?)", list(fingerprint(config, facts).items()))
    return {name: con.execute(f"SELECT count(*) FROM {name}").fetchall()[0][0] for name in MART_TABLES}


def mart_is_current(con: duckdb.DuckDBPyConnection, config, facts: Extent | None = None) -> bool:
    """True when mart_daily exists and was built from this warehouse state with this config."""
    present = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name IN ('mart_daily', 'mart_meta') "
        "AND schema_name = current_schema()"
    ).fetchall()[0][0]
    if present != 2:
        return False
    stored = dict(con.execute("SELECT key, value FROM mart_meta").fetchall())
    return stored == fingerprint(config, facts or extent(con))
