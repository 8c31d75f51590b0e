"""Shared fixtures for the sample-generator tests: one simulation in all formats, in DuckDB.

60 days, 300 tickets/day, all four formats, naive timestamps in America/Sao_Paulo. Module-scoped:
each test module that imports `export` / `con` generates it once (about half a second).
"""
from __future__ import annotations

from datetime import date, datetime, timezone
from pathlib import Path

import duckdb
import pytest

from sample_data.generator import SampleOptions, generate_export, parse_formats

EXPORT_TZ = "America/Sao_Paulo"
OPTIONS = SampleOptions(start=date(2026, 5, 1), days=60, per_day=300, seed=11,
                        export_timezone=EXPORT_TZ, formats=parse_formats("all"))
WINDOW_END = datetime(2026, 6, 30, tzinfo=timezone.utc)

REGION_ZONES = {"BR": "America/Sao_Paulo", "US": "America/New_York", "IN": "Asia/Kolkata",
                "DE": "Europe/Berlin", "GB": "Europe/London", "JP": "Asia/Tokyo",
                "MX": "America/Mexico_City", "ID": "Asia/Jakarta", "FR": "Europe/Paris",
                "TR": "Europe/Istanbul"}


@pytest.fixture(scope="module")
def export(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("sample")
    generate_export(out, OPTIONS)
    return out


@pytest.fixture(scope="module")
def con(export: Path):
    """The canonical CSV and the other formats as all-text tables, in one DuckDB."""
    db = duckdb.connect()
    db.execute("SET TimeZone = 'UTC'")
    db.execute(f"CREATE TABLE t AS SELECT * FROM read_csv('{export / 'tickets_canonical.csv'}', "
               "all_varchar = true)")
    db.execute("""CREATE TABLE c AS SELECT ticket_id::BIGINT AS ticket_no,
        created_at::TIMESTAMPTZ AS created_at, updated_at::TIMESTAMPTZ AS updated_at,
        first_response_at::TIMESTAMPTZ AS first_response_at,
        resolved_at::TIMESTAMPTZ AS resolved_at, status, priority, abuse_category, region,
        language, vendor, escalated::BOOLEAN AS escalated, high_profile::BOOLEAN AS high_profile,
        reopen_count::INTEGER AS reopen_count, qa_score::DOUBLE AS qa_score,
        csat::INTEGER AS csat, reporter_hash FROM t""")
    for name, file in (("z", "tickets_zendesk.csv"), ("s", "cases.csv"),
                       ("m", "case_milestones.csv"), ("j", "tickets_jira.csv")):
        db.execute(f"CREATE TABLE {name} AS SELECT * FROM read_csv('{export / file}', "
                   "all_varchar = true, header = true)")
    yield db
    db.close()


def rows(con, sql: str, *params):
    return con.execute(sql, list(params)).fetchall()


def one(con, sql: str, *params):
    return rows(con, sql, *params)[0][0]
