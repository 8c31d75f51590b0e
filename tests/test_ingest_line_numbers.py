"""Line numbers of rejected rows in a file large enough to be scanned in parallel.

The normalising pass runs on several threads and numbers rows by their position afterwards, so
these tests use a file of many CSV buffers and row groups, with bad rows (rule rejects and
records the parser cannot split) far into it, and multi-line quoted values before them.
"""
from __future__ import annotations

import json

import pytest

from pipelines.config import load_config
from pipelines.ingest import ingest_file
from pipelines.warehouse import writing

N_ROWS = 300_000
PADDING = "x" * 120            # makes the file about 60 MB: several scan buffers


def _good(i: int) -> str:
    return (f"T{i},2026-03-01T10:00:00Z,2026-03-01T11:00:00Z,,,open,normal,web,spam,BR,pt,Kestrel,"
            f"queue,ag,false,false,0,,,rh{i},{PADDING},row {i}")


BAD_RULE_ROWS = {1_500: "resolved before created", 133_333: "unknown priority", 299_990: "missing ticket id"}


def _bad(i: int, reason: str) -> str:
    if reason == "resolved before created":
        return (f"T{i},2026-03-01T10:00:00Z,2026-03-01T11:00:00Z,,2026-02-01T00:00:00Z,solved,normal,web,"
                f"spam,BR,pt,Kestrel,queue,ag,false,false,0,,,rh{i},{PADDING},row {i}")
    if reason == "unknown priority":
        return _good(i).replace(",open,normal,", ",open,sky-high,")
    return "," + _good(i).split(",", 1)[1]


@pytest.fixture(scope="module")
def big_file(tmp_path_factory):
    """Records: header, then N_ROWS rows; row 10 has a value spanning 3 lines (it counts as one
    line, as in DuckDB's own rejects), row 200,000 has too many columns. Returns (path,
    {line: expected reason})."""
    path = tmp_path_factory.mktemp("big") / "tickets.csv"
    header = ("ticket_id,created_at,updated_at,first_response_at,resolved_at,status,priority,channel,"
              "abuse_category,region,language,vendor,queue,agent_id,escalated,high_profile,reopen_count,"
              "qa_score,csat,reporter_hash,tags,export_note")
    expected: dict[int, str] = {}
    line = 1
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write(header + "\n")
        for i in range(1, N_ROWS + 1):
            line += 1
            if i == 10:
                fh.write(_good(i).rsplit(",", 2)[0] + ',"first tag\nsecond\nthird",row 10\n')
            elif i == 200_000:
                fh.write(_good(i) + ",one too many\n")
                expected[line] = "too many columns"
            elif i in BAD_RULE_ROWS:
                fh.write(_bad(i, BAD_RULE_ROWS[i]) + "\n")
                expected[line] = BAD_RULE_ROWS[i]
            else:
                fh.write(_good(i) + "\n")
    return path, expected


def test_rejected_rows_keep_their_file_lines_in_a_parallel_scan(big_file, tmp_path):
    path, expected = big_file
    config = load_config(None, tmp_path / "wh.duckdb")
    with writing(config.db_path) as con:
        result = ingest_file(con, path, config)
        got = dict(con.execute("SELECT line_number, reason FROM rejected_rows").fetchall())
    assert result.rows_read == N_ROWS
    assert result.rows_rejected == len(expected)
    assert got == expected


def test_a_rejected_line_keeps_its_whole_raw_record_in_a_parallel_scan(big_file, tmp_path):
    """The loading pass reads only the mapped columns; the record of a rejected line, unmapped
    columns included, is read back from the file by position."""
    path, expected = big_file
    config = load_config(None, tmp_path / "wh.duckdb")
    with writing(config.db_path) as con:
        ingest_file(con, path, config)
        records = con.execute("SELECT line_number, raw_record FROM rejected_rows WHERE raw_record LIKE '{%' "
                              "ORDER BY line_number").fetchall()
    rule_lines = {line: reason for line, reason in expected.items() if reason != "too many columns"}
    assert [line for line, _ in records] == sorted(rule_lines)
    for (line, record), row in zip(records, sorted(BAD_RULE_ROWS)):
        fields = json.loads(record)
        assert fields["export_note"] == f"row {row}"
        assert fields["tags"] == PADDING


def test_the_last_version_in_the_file_wins_a_tie_in_a_parallel_scan(tmp_path):
    """Two versions of a ticket with the same updated_at, far apart: the later line wins, which
    needs the row positions to follow the file."""
    path = tmp_path / "dupes.csv"
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("ticket_id,created_at,updated_at,status,priority,abuse_category,region,reporter_hash,tags\n")
        for i in range(N_ROWS):
            region = "BR" if i == 5 else ("DE" if i == N_ROWS - 5 else "US")
            ticket = "T-dup" if i in (5, N_ROWS - 5) else f"T{i}"
            fh.write(f"{ticket},2026-03-01T10:00:00Z,2026-03-01T11:00:00Z,open,normal,spam,{region},rh,{PADDING}\n")
    config = load_config(None, tmp_path / "wh.duckdb")
    with writing(config.db_path) as con:
        ingest_file(con, path, config)
        assert con.execute("SELECT region FROM tickets WHERE ticket_id = 'T-dup'").fetchall() == [("DE",)]
