"""The committed sample in all four vendor formats loads, through the CLI, into the same tickets."""
from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from safetyops.cli import main

SMALL = Path(__file__).resolve().parents[1] / "sample_data" / "small"
FILES = [("tickets_canonical.csv", "canonical"), ("tickets_zendesk.csv", "zendesk"), ("cases.csv", "salesforce"),
         ("case_milestones.csv", "salesforce_milestones"), ("tickets_jira.csv", "jira")]

# Jira has no phone/app channels and folds On hold / New into its own statuses, so channel and
# status are not compared; Jira dates carry no seconds, so times are compared to the minute.
SAME_EVERYWHERE = """
SELECT count(*), count(first_response_at), count(resolved_at), sum(epoch(date_trunc('minute', created_at))),
       sum(epoch(date_trunc('minute', coalesce(first_response_at, created_at)))),
       sum(epoch(date_trunc('minute', coalesce(resolved_at, created_at)))),
       count(DISTINCT region), count(DISTINCT language), count(DISTINCT vendor), sum(escalated::INT),
       sum(high_profile::INT), sum(reopen_count), round(avg(qa_score), 6), round(avg(csat), 6),
       list(DISTINCT abuse_category ORDER BY abuse_category), list(DISTINCT priority ORDER BY priority)
FROM tickets WHERE source = $source
"""


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    db = tmp_path_factory.mktemp("sample") / "wh.duckdb"
    zone = json.loads((SMALL / "ground_truth.json").read_text())["export_timezone"]
    for name, _ in FILES:
        assert main(["--db", str(db), "-q", "ingest", str(SMALL / name), "--timezone", zone]) == 0
    con = duckdb.connect(str(db), read_only=True)
    yield con
    con.close()


def test_every_sample_row_loads(loaded):
    runs = loaded.execute("SELECT source, rows_read, rows_loaded, rows_rejected FROM load_runs ORDER BY load_run_id").fetchall()
    assert [r[0] for r in runs] == [source for _, source in FILES]
    for source, read, loaded_rows, rejected in runs:
        assert read == loaded_rows + rejected and rejected == 0, source


@pytest.mark.parametrize("source", ["zendesk", "salesforce", "jira"])
def test_each_vendor_format_gives_the_same_tickets_as_canonical(loaded, source):
    expected = loaded.execute(SAME_EVERYWHERE, {"source": "canonical"}).fetchall()
    got = loaded.execute(SAME_EVERYWHERE, {"source": source}).fetchall()
    assert got == expected


def test_reporters_are_hashed_consistently_within_a_source_and_never_raw(loaded):
    n_reporters = loaded.execute(
        "SELECT source, count(DISTINCT reporter_hash) FROM tickets GROUP BY 1 ORDER BY 1").fetchall()
    assert all(n > 1 for _, n in n_reporters)
    leaked = loaded.execute("SELECT count(*) FROM tickets WHERE reporter_hash LIKE '%@%' OR agent_id LIKE '% %'").fetchall()
    assert leaked == [(0,)]
