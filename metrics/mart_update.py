"""Incremental mart update: after loads, rebuild only the local months whose mart rows can differ.

Why month slices are enough: mart_daily is built one local month at a time (metrics/marts.py) and
a month's rows depend only on the tickets with an event in that month (metrics/sql/
cells_from_tickets.sql) plus as_of (which decides n_sla_decided of unanswered tickets). The
roll-ups are per-day sums of mart_daily and mart_ticket_facts rows are per ticket, keyed by
creation day, so both slice by the same months. metrics/sql/mart_touched_months.sql finds the
months: both versions of every changed ticket (the previous one from mart_ticket_facts) and the
tickets whose first-response target fell between the previous and the new as_of.
mart_dimension_values (not sliceable: a value disappears only when its last ticket changes) and
mart_meta are rebuilt whole; both are cheap.

Whenever the marts cannot be shown to be the exact state just before these loads (no mart_meta,
a missing mart, another mart version, a changed reporting zone or SLA targets, a load not in the
list, a ticket count that does not add up) or too many months are touched, it is a full
build_marts instead. The result of either path is the same tables as build_marts from scratch
(tests/test_metrics_mart_update.py); only the row order differs (updated months are appended).
"""
from __future__ import annotations

import datetime as dt

import duckdb

from metrics.facts import Extent, extent
from metrics.mart_state import MART_VERSION, fingerprint, stored_fingerprint
from metrics.marts import (FACTS_MART, MART_ROLLUPS, MART_TABLES, build_marts, build_params, daily_insert_sql,
                           insert_daily_slice,
                           mart_row_counts, rollup_rows_sql, run, write_dimension_values_and_meta)
from metrics.sqltext import render, used_params

FACTS_COLUMNS = ("source", "ticket_id", "created_day", "resolved_day")
# month-sliced marts and the column holding their local day (the allow-list for mart_delete_month.sql)
SLICED_MARTS = (("mart_daily", "day"), *((name, "day") for name, _ in MART_ROLLUPS), (FACTS_MART, "created_day"))
_CONFIG_KEYS = ("mart_version", "reporting_timezone", "sla_frt_minutes")


def max_months(config) -> int:
    """[marts] max_incremental_months: above this many touched months a full rebuild is as cheap."""
    return config.max_incremental_months


def update_marts(con: duckdb.DuckDBPyConnection, config, changed_load_run_ids) -> dict:
    """Bring the marts up to date after the loads `changed_load_run_ids` (their load_run_ids).

    Returns {"mode": "incremental" | "full", "reason": why full ("" when incremental),
    "months": the local months rebuilt ("YYYY-MM"), "rows": row count per mart}.
    """
    ids = sorted({int(i) for i in changed_load_run_ids if i is not None})
    facts = extent(con)
    reason = full_rebuild_reason(con, config, facts, ids)
    months = []
    if reason is None:
        run(con, render("mart_changed_keys.sql", {}), {"load_run_ids": ids})
        try:
            reason = _ticket_count_mismatch(con, facts)
            if reason is None:
                months = touched_months(con, config, facts)
                if len(months) > max_months(config):
                    reason = f"{len(months)} months touched (more than {max_months(config)})"
            if reason is None:
                _rebuild_months(con, config, facts, months)
        finally:
            con.execute("DROP TABLE IF EXISTS mart_changed_keys")
    if reason is not None:
        return {"mode": "full", "reason": reason, "months": [], "rows": build_marts(con, config)}
    return {"mode": "incremental", "reason": "", "months": [m[0].strftime("%Y-%m") for m in months],
            "rows": mart_row_counts(con)}


def full_rebuild_reason(con, config, facts: Extent, ids: list[int]) -> str | None:
    """Why the stored marts are not a safe base for an incremental update, or None."""
    stored = stored_fingerprint(con)
    if stored is None:
        return "no mart_meta (marts never built or a build was interrupted)"
    existing = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    missing = [t for t in MART_TABLES if t not in existing]
    if missing:
        return f"mart missing: {', '.join(missing)}"
    expected = fingerprint(config, facts)
    changed = [k for k in _CONFIG_KEYS if stored.get(k) != expected[k]]
    if changed:
        return f"changed since the marts were built: {', '.join(changed)}"
    columns = {r[0] for r in con.execute(
        "SELECT column_name FROM duckdb_columns() WHERE table_name = ?", [FACTS_MART]).fetchall()}
    if not set(FACTS_COLUMNS) <= columns:
        return f"{FACTS_MART} has a layout older than mart version {MART_VERSION}"
    if not stored.get("as_of"):
        return "the marts were built from an empty warehouse"
    before = con.execute(render("mart_load_state_before.sql", {}), {"load_run_ids": ids}).fetchall()[0][0]
    if stored.get("load_runs") != before:
        return f"loads other than {ids} since the marts were built ({stored.get('load_runs')} vs {before})"
    return None


def _ticket_count_mismatch(con, facts: Extent) -> str | None:
    stored_n = int(stored_fingerprint(con)["n_tickets"])
    n_new = con.execute(render("mart_new_ticket_count.sql", {})).fetchall()[0][0]
    if stored_n + n_new != facts.n_tickets:
        return f"ticket count does not add up: {stored_n} in the marts + {n_new} new != {facts.n_tickets}"
    return None


def touched_months(con, config, facts: Extent) -> list[tuple]:
    """(local_start, local_end, start_at, end_at) of every local month to rebuild, in order."""
    old_as_of = dt.datetime.fromisoformat(stored_fingerprint(con)["as_of"])
    params = {**build_params(config, facts), "as_of_low": min(old_as_of, facts.as_of),
              "as_of_high": max(old_as_of, facts.as_of), "max_sla_minutes": max(config.sla_frt_minutes.values())}
    sql = render("mart_touched_months.sql", {})
    return con.execute(sql, used_params(sql, params)).fetchall()


def _rebuild_months(con, config, facts: Extent, months: list[tuple]) -> None:
    # no mart_meta while updating: half-updated marts are never taken as current
    con.execute("DROP TABLE IF EXISTS mart_meta")
    params = build_params(config, facts)
    daily_insert = daily_insert_sql()
    for local_start, local_end, start_at, end_at in months:
        bounds = {"local_start": local_start, "local_end": local_end, "start_at": start_at, "end_at": end_at}
        for table, day_column in SLICED_MARTS:
            run(con, render("mart_delete_month.sql", {"mart": table, "day": day_column}), bounds)
        insert_daily_slice(con, daily_insert, params, local_start, start_at, end_at)
        for name, dims in MART_ROLLUPS:
            run(con, render("mart_rollup_insert.sql", {"mart": name, "rows": rollup_rows_sql(dims)}), bounds)
        run(con, render("mart_ticket_facts_insert.sql", {"rows": render("mart_ticket_facts_rows.sql", {})}),
            {**params, **bounds})
    con.execute("DROP TABLE IF EXISTS mart_dimension_values")
    write_dimension_values_and_meta(con, config, facts, params)
