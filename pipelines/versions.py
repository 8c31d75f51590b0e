"""Newest version wins: after a load has inserted its rows, keep one row per (source, ticket_id).

Only contested keys are ranked: the ones the file holds more than once or, when the source has
stored rows, every key of the load (one scan of the source then finds their stored versions:
the join is built on the load's keys, so a small file into a big warehouse stays cheap). A first
load of unique numeric ids costs a bitmap over their range, not a hash table of every key.
"""
from __future__ import annotations

import duckdb

from core.sql_files import run_sql_file, sql_text


def find_contested_keys(con: duckdb.DuckDBPyConnection, source: str, load_run_id: int) -> int:
    """Fill ingest_contested and ingest_tied (keys whose versions tie within the file); returns
    the number of tied keys, whose rows need their lines to be ranked."""
    has_stored_rows = _has_stored_rows(con, source, load_run_id)
    params = {"load_run_id": load_run_id, "has_stored_rows": has_stored_rows,
              # with stored rows every key of the load is contested: nothing to screen
              "numeric_ids_unique": not has_stored_rows and _numeric_ids_unique(con, load_run_id)}
    run_sql_file(con, "pipelines", "contested_keys.sql", params)
    run_sql_file(con, "pipelines", "tied_keys.sql", {"load_run_id": load_run_id})
    return con.execute("SELECT count(*) FROM ingest_tied").fetchall()[0][0]


def keep_newest_versions(con: duckdb.DuckDBPyConnection, source: str, load_run_id: int) -> tuple[int, int]:
    """Delete the losing versions of the keys `find_contested_keys` found; returns (this load's rows
    that lost: stale, stored rows that lost to this load: replaced)."""
    run_sql_file(con, "pipelines", "keep_newest_versions.sql", {"source": source, "load_run_id": load_run_id})
    n_stale, n_replaced = con.execute(
        "SELECT count(*) FILTER (WHERE version_rank > 1 AND is_from_this_load), "
        "count(*) FILTER (WHERE version_rank > 1 AND NOT is_from_this_load) FROM ingest_versions").fetchall()[0]
    return n_stale, n_replaced


# The widest range of numeric ids screened by a bitmap (bits per row of the load, and at most 2^30
# bits, 128 MB): sparse or huge ids are left to the GROUP BY.
BITMAP_BITS_PER_ROW = 64
BITMAP_MAX_BITS = 1 << 30


def _numeric_ids_unique(con: duckdb.DuckDBPyConnection, load_run_id: int) -> bool:
    """True when no numeric id of the load is repeated, known without grouping by every key; False
    when one is, or when their range is too wide for a bitmap (then the keys are grouped)."""
    low, high, n_numeric = con.execute(
        "SELECT min(ticket_number), max(ticket_number), count(ticket_number) FROM tickets WHERE load_run_id = ?",
        [load_run_id]).fetchall()[0]
    if not n_numeric:
        return True
    if high - low + 1 > min(BITMAP_MAX_BITS, BITMAP_BITS_PER_ROW * n_numeric):
        return False
    return bool(con.execute(sql_text("pipelines", "numeric_ids_unique.sql"),
                            {"load_run_id": load_run_id, "low": low, "high": high}).fetchall()[0][0])


def _has_stored_rows(con: duckdb.DuckDBPyConnection, source: str, load_run_id: int) -> bool:
    return bool(con.execute(
        "SELECT count(*) FROM (SELECT 1 FROM tickets WHERE source = $source AND load_run_id < $load_run_id LIMIT 1)",
        {"source": source, "load_run_id": load_run_id}).fetchall()[0][0])
