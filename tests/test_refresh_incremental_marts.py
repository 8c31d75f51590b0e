"""The refresh updates the marts incrementally (metrics.mart_update.update_marts) and ends with the same
marts a full rebuild gives (real loader, real DuckDB files)."""
from __future__ import annotations

import datetime as dt
import logging
import shutil

import duckdb

from metrics.mart_state import mart_is_current
from metrics.marts import MART_TABLES, build_marts
from safetyops.refresh import run_refresh
from tests.refresh_fixtures import iso, open_uncached, tickets_between, write_csv

START = dt.datetime(2026, 11, 20, tzinfo=dt.timezone.utc)


def sorted_marts(con) -> dict[str, list[str]]:
    return {name: sorted(map(repr, con.execute(f"SELECT * FROM {name}").fetchall())) for name in MART_TABLES}


def test_second_refresh_updates_only_touched_months_and_matches_a_rebuild(config, tmp_path, caplog):
    rows = tickets_between(START, 5, 8)
    write_csv(config.inbox_dir / "day1.csv", rows)
    run_refresh(config, report=False)
    # new tickets in December, and new versions moving November tickets into December, resolved
    moved = [dict(r, created_at=iso(START + dt.timedelta(days=13)), resolved_at=iso(START + dt.timedelta(days=15)),
                  first_response_at="", updated_at=iso(START + dt.timedelta(days=15)), status="solved")
             for r in rows[:6]]
    write_csv(config.inbox_dir / "day2.csv", moved + tickets_between(START + dt.timedelta(days=14), 2, 5, prefix="D"))
    with caplog.at_level(logging.INFO, logger="safetyops.refresh"):
        run_refresh(config, report=False)
    assert any("marts updated, months 2026-11, 2026-12 rebuilt" in r.getMessage() for r in caplog.records)
    live = open_uncached(config.db_path)
    try:
        assert mart_is_current(live, config)
        updated = sorted_marts(live)
    finally:
        live.close()
    copy = tmp_path / "rebuilt.duckdb"
    shutil.copyfile(config.db_path, copy)
    con = duckdb.connect(str(copy))
    con.execute("SET TimeZone = 'UTC'")
    try:
        build_marts(con, config)
        assert sorted_marts(con) == updated
    finally:
        con.close()
