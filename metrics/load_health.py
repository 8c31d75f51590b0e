"""Loading facts: what was loaded, what was rejected and why, how fresh each source is.

The one place these numbers are computed: `safetyops status`, the Data health page and the weekly
report's data-quality section all read them from here, so the three agree.
"""
from __future__ import annotations

from datetime import datetime, timezone

import duckdb
import pandas as pd

from core.sql_files import bound_params, sql_text

# every load ever recorded: the context for a window in which nothing was loaded
ALL_TIME = (datetime(1900, 1, 1, tzinfo=timezone.utc), datetime(2200, 1, 1, tzinfo=timezone.utc))


def _query(con: duckdb.DuckDBPyConnection, name: str, params: dict | None = None) -> pd.DataFrame:
    sql = sql_text("metrics", name)
    return con.execute(sql, bound_params(sql, params or {})).df()


def source_freshness(con: duckdb.DuckDBPyConnection, now: datetime | None = None) -> pd.DataFrame:
    """One row per source: tickets, newest created/updated, last load and file, loads, rows read /
    loaded / rejected, hours since the last load and since its newest ticket (newest created or
    updated time: data time), against `now` (default the wall clock)."""
    return _query(con, "load_health_sources.sql", {"now": now or datetime.now(timezone.utc)})


def recent_load_runs(con: duckdb.DuckDBPyConnection, limit: int = 50) -> pd.DataFrame:
    """One row per input file loaded (or skipped as already loaded), newest first."""
    return _query(con, "load_health_recent_runs.sql", {"limit": limit})


def rejections_by_reason(con: duckdb.DuckDBPyConnection, load_run_id: int | None = None) -> pd.DataFrame:
    """One row per reason × column: rows, loads, and the file, line and value of an example."""
    return _query(con, "load_health_rejections.sql", {"load_run_id": load_run_id})


def rejected_sample(con: duckdb.DuckDBPyConnection, limit: int = 100) -> pd.DataFrame:
    """The latest rejected rows (newest load first) with line, reason, column and value."""
    return _query(con, "load_health_rejected_sample.sql", {"limit": limit})


def latest_load_notes(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """One row per note of each source's latest load: fields the export did not have, and kept
    values worth a look, with the rows concerned."""
    return _query(con, "load_health_latest_notes.sql")


def load_totals(con: duckdb.DuckDBPyConnection, start_at: datetime, end_at: datetime) -> dict[str, dict]:
    """status (loaded | skipped) -> files and rows read / loaded / rejected, for loads finished in
    [start_at, end_at)."""
    frame = _query(con, "load_health_window_totals.sql", {"start_at": start_at, "end_at": end_at})
    return {r["status"]: r for r in frame.to_dict("records")}


def rejections_between(con: duckdb.DuckDBPyConnection, start_at: datetime, end_at: datetime) -> pd.DataFrame:
    """One row per rejection reason over the loads finished in [start_at, end_at)."""
    return _query(con, "load_health_window_rejections.sql", {"start_at": start_at, "end_at": end_at})


def load_runs_between(con: duckdb.DuckDBPyConnection, start_at: datetime, end_at: datetime) -> pd.DataFrame:
    """One row per input file whose load finished in [start_at, end_at), oldest first."""
    return _query(con, "load_health_window_runs.sql", {"start_at": start_at, "end_at": end_at})
