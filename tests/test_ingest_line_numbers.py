"""Line numbers of rejected rows in a file large enough to be scanned in parallel.

The normalising pass runs on several threads and ignores the file's order; the rows whose line
matters (rejected ones, versions that tie within the file) are found again in an ordered pass. So
these tests use a file of many CSV buffers and row groups, with bad rows (rule rejects and records
the parser cannot split) far into it, and multi-line quoted values before them.
"""
from __future__ import annotations

import json

import pytest

from core.config import load_config
from pipelines.ingest import ingest_file
from core.warehouse import writing

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
    columns included, comes from the ordered pass that finds its line."""
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


def _write_with_versions(path, versions: dict[int, tuple[str, str]]) -> None:
    """N_ROWS tickets T<i>; the rows in `versions` are instead versions of T-dup: (region, updated_at)."""
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("ticket_id,created_at,updated_at,status,priority,abuse_category,region,reporter_hash,tags\n")
        for i in range(N_ROWS):
            ticket, (region, updated) = ("T-dup", versions[i]) if i in versions else (f"T{i}", ("US", "11:00"))
            fh.write(f"{ticket},2026-03-01T10:00:00Z,2026-03-01T{updated}:00Z,open,normal,spam,{region},rh,{PADDING}\n")


LAST = N_ROWS - 5
TIES = [  # versions of T-dup by row -> the region that must win
    ({5: ("BR", "11:00"), LAST: ("DE", "11:00")}, "DE"),
    ({5: ("DE", "11:00"), LAST: ("BR", "11:00")}, "BR"),
    ({5: ("BR", "11:00"), 150_000: ("FR", "11:00"), LAST: ("DE", "11:00")}, "DE"),
    ({5: ("BR", "11:00"), 150_000: ("FR", "12:00"), LAST: ("DE", "11:00")}, "FR"),   # newer beats later
    ({5: ("BR", "12:00"), 150_000: ("FR", "12:00"), LAST: ("DE", "11:00")}, "FR"),   # tie at the top only
]


@pytest.mark.parametrize("versions, winner", TIES)
def test_the_last_version_in_the_file_wins_a_tie_in_a_parallel_scan(tmp_path, versions, winner):
    """Versions of a ticket with the same updated_at, far apart: the later line wins, whichever
    part of the file the parallel pass reached first."""
    path = tmp_path / "dupes.csv"
    _write_with_versions(path, versions)
    config = load_config(None, tmp_path / "wh.duckdb")
    with writing(config.db_path) as con:
        result = ingest_file(con, path, config)
        assert con.execute("SELECT region FROM tickets WHERE ticket_id = 'T-dup'").fetchall() == [(winner,)]
        assert con.execute("SELECT count(*) FROM tickets").fetchall() == [(N_ROWS - len(versions) + 1,)]
    assert (result.rows_read, result.rows_loaded, result.rows_stale) == (N_ROWS, N_ROWS, len(versions) - 1)


def test_identical_rejected_lines_are_each_reported_on_their_own_line(tmp_path):
    """Rejected rows are found again by a hash of their values: two identical bad lines (and a
    tie on a rejected row's ticket) still give one rejected row per line."""
    path = tmp_path / "twins.csv"
    bad = f"T-bad,2026-03-01T10:00:00Z,2026-03-01T11:00:00Z,open,sky-high,spam,US,rh,{PADDING}"
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("ticket_id,created_at,updated_at,status,priority,abuse_category,region,reporter_hash,tags\n")
        for i in range(N_ROWS):
            if i in (7, 250_000):
                fh.write(bad + "\n")
            elif i in (8, 260_000):      # two good versions of T-bad that tie
                fh.write(bad.replace("sky-high", "high").replace(",US,", f",R{i},") + "\n")
            else:
                fh.write(f"T{i},2026-03-01T10:00:00Z,2026-03-01T11:00:00Z,open,normal,spam,US,rh,{PADDING}\n")
    config = load_config(None, tmp_path / "wh.duckdb")
    with writing(config.db_path) as con:
        result = ingest_file(con, path, config)
        assert con.execute("SELECT line_number, reason FROM rejected_rows ORDER BY 1").fetchall() == [
            (9, "unknown priority"), (250_002, "unknown priority")]
        assert con.execute("SELECT region FROM tickets WHERE ticket_id = 'T-bad'").fetchall() == [("R260000",)]
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (N_ROWS, N_ROWS - 2, 2)
