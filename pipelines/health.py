"""Warehouse health: what was loaded, what was rejected and why, how fresh each source is.

Read by `safetyops status`, the Data health page and the weekly report, so the three agree.
"""
from __future__ import annotations

from datetime import datetime, timezone

import duckdb
import pandas as pd

from core.sql_files import bound_params
from core.sql_files import sql_text


def _query(con: duckdb.DuckDBPyConnection, name: str, params: dict | None = None) -> pd.DataFrame:
    sql = sql_text("pipelines", name)
    return con.execute(sql, bound_params(sql, params or {})).df()


def source_freshness(con: duckdb.DuckDBPyConnection, now: datetime | None = None) -> pd.DataFrame:
    """One row per source: tickets, newest created/updated, last load and file, loads, rows read /
    loaded / rejected, and hours since the last load (against `now`, default the wall clock)."""
    return _query(con, "health_sources.sql", {"now": now or datetime.now(timezone.utc)})


def recent_load_runs(con: duckdb.DuckDBPyConnection, limit: int = 50) -> pd.DataFrame:
    """One row per input file loaded (or skipped as already loaded), newest first."""
    return _query(con, "health_load_runs.sql", {"limit": limit})


def rejections_by_reason(con: duckdb.DuckDBPyConnection, load_run_id: int | None = None) -> pd.DataFrame:
    """One row per reason × column: rows, loads, and the file, line and value of an example."""
    return _query(con, "health_rejections.sql", {"load_run_id": load_run_id})


def rejected_sample(con: duckdb.DuckDBPyConnection, limit: int = 100) -> pd.DataFrame:
    """The latest rejected rows (newest load first) with line, reason, column and value."""
    return _query(con, "health_rejected_sample.sql", {"limit": limit})


def as_of(con: duckdb.DuckDBPyConnection):
    """The latest timestamp of any kind among the tickets (DESIGN.md's `as_of`), or None."""
    return con.execute(
        "SELECT max(greatest(created_at, updated_at, coalesce(first_response_at, created_at), "
        "coalesce(resolved_at, created_at))) FROM tickets").fetchall()[0][0]
