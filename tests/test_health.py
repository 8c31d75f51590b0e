"""Warehouse health (status command, Data health page): numbers checked against a known load."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from metrics import load_health as health
from metrics.facts import as_of
from tests.ingest_fixtures import CANONICAL_COLUMNS, canonical_row, load, write_csv


def test_health_reports_what_was_loaded_and_rejected(tmp_path, memory_con, config):
    load(memory_con, write_csv(tmp_path / "a.csv", CANONICAL_COLUMNS, [
        canonical_row(ticket_id="A"), canonical_row(ticket_id="B", csat="9"),
        canonical_row(ticket_id="C", priority="p0"), canonical_row(ticket_id="D", csat="0")]), config)
    load(memory_con, write_csv(tmp_path / "b.csv", CANONICAL_COLUMNS, [
        canonical_row(ticket_id="E", updated_at="2026-03-04T00:00:00Z"), canonical_row(ticket_id="F", csat="7")]), config)

    finished = memory_con.execute("SELECT max(finished_at) FROM load_runs").fetchall()[0][0]
    fresh = health.source_freshness(memory_con, now=finished + timedelta(hours=3))
    assert fresh[["source", "n_tickets", "n_loads", "rows_read", "rows_loaded", "rows_rejected", "last_file"]] \
        .to_dict("records") == [{"source": "canonical", "n_tickets": 2, "n_loads": 2, "rows_read": 6,
                                 "rows_loaded": 2, "rows_rejected": 4, "last_file": "b.csv"}]
    assert round(float(fresh["hours_since_load"][0]), 2) == 3.0
    assert fresh["latest_update_at"][0].to_pydatetime() == datetime(2026, 3, 4, tzinfo=timezone.utc)

    reasons = health.rejections_by_reason(memory_con)
    assert reasons[["reason", "column_name", "n_rows", "n_loads", "example_file", "example_line", "example_value"]] \
        .to_dict("records") == [
        {"reason": "csat out of range 1-5", "column_name": "csat", "n_rows": 3, "n_loads": 2,
         "example_file": "a.csv", "example_line": 3, "example_value": "9"},
        {"reason": "unknown priority", "column_name": "priority", "n_rows": 1, "n_loads": 1,
         "example_file": "a.csv", "example_line": 4, "example_value": "p0"}]
    assert health.rejections_by_reason(memory_con, load_run_id=2)["n_rows"].tolist() == [1]

    sample = health.rejected_sample(memory_con, limit=2)
    assert sample[["file_name", "line_number"]].values.tolist() == [["b.csv", 3], ["a.csv", 3]]
    assert health.recent_load_runs(memory_con)["file_name"].tolist() == ["b.csv", "a.csv"]


def test_health_of_an_empty_warehouse_is_empty_not_an_error(memory_con):
    assert health.source_freshness(memory_con).empty
    assert health.rejections_by_reason(memory_con).empty
    assert as_of(memory_con) is None
