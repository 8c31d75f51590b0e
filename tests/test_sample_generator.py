"""The sample-export generator: exact formats, determinism, the same tickets in every format,
the in-memory table, the command line and the committed small sample.
"""
from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pyarrow as pa
import pytest

from safetyops.cli import main as cli_main
from sample_data.generator import (SampleOptions, canonical_table, generate_export,
                                   parse_formats)
from tests.sample_fixtures import EXPORT_TZ, OPTIONS, con, export, one, rows  # noqa: F401

# Header lines copied from /tmp/formats.md, not from the writers, so a drift fails here.
CANONICAL_HEADER = ("ticket_id,source,created_at,updated_at,first_response_at,resolved_at,status,"
                    "priority,channel,abuse_category,region,language,vendor,queue,agent_id,"
                    "escalated,high_profile,reopen_count,qa_score,csat,reporter_hash,tags")
ZENDESK_HEADER = (
    '"Summation column","Id","Requester","Requester id","Requester external id",'
    '"Requester email","Requester domain","Submitter","Assignee","Group","Subject","Tags",'
    '"Status","Priority","Via","Ticket type","Created at","Updated at","Assigned at",'
    '"Organization","Due date","Initially assigned at","Solved at","Resolution time",'
    '"Satisfaction Score","Group stations","Assignee stations","Reopens","Replies",'
    '"First reply time in minutes","First reply time in minutes within business hours",'
    '"First resolution time in minutes","First resolution time in minutes within business hours",'
    '"Full resolution time in minutes","Full resolution time in minutes within business hours",'
    '"Agent wait time in minutes","Agent wait time in minutes within business hours",'
    '"Requester wait time in minutes","Requester wait time in minutes within business hours",'
    '"On hold time in minutes","On hold time in minutes within business hours",'
    '"Abuse category [list]","Region [list]","Language [list]","Vendor [list]",'
    '"High profile [flag]","QA score [int]"')
CASES_HEADER = (
    '"ID","CASENUMBER","CREATEDDATE","LASTMODIFIEDDATE","CLOSEDDATE","STATUS","PRIORITY",'
    '"ORIGIN","ISESCALATED","ISCLOSED","OWNERID","CONTACTID","SUPPLIEDEMAIL","SUBJECT",'
    '"ABUSE_CATEGORY__C","REGION__C","LANGUAGE__C","VENDOR__C","QUEUE__C","HIGH_PROFILE__C",'
    '"REOPEN_COUNT__C","QA_SCORE__C","CSAT__C"')
MILESTONES_HEADER = ('"ID","CASEID","MILESTONETYPE.NAME","STARTDATE","TARGETDATE",'
                     '"COMPLETIONDATE","ISVIOLATED","ISCOMPLETED"')
JIRA_HEADER = (
    '"Summary","Issue key","Issue id","Issue Type","Status","Project key","Project name",'
    '"Priority","Resolution","Assignee","Reporter","Creator","Created","Updated","Last Viewed",'
    '"Resolved","Due date","Labels","Labels","Labels","Custom field (Abuse category)",'
    '"Custom field (Region)","Custom field (Request language)","Custom field (Vendor)",'
    '"Custom field (Team)","Custom field (Request Type)",'
    '"Custom field ([CHART] Date of First Response)","Custom field (Reopen count)",'
    '"Custom field (QA score)","Custom field (Satisfaction rating)","Custom field (High profile)",'
    '"Custom field (Channel)"')

# --- determinism ----------------------------------------------------------------------------

def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_same_seed_same_bytes_in_every_format(tmp_path):
    options = SampleOptions(days=35, per_day=60, seed=3, export_timezone="Asia/Tokyo",
                            formats=parse_formats("all"))
    generate_export(tmp_path / "a", options)
    generate_export(tmp_path / "b", options)
    first, second = _files(tmp_path / "a"), _files(tmp_path / "b")
    assert set(first) == {"tickets_canonical.csv", "tickets_zendesk.csv", "cases.csv",
                          "case_milestones.csv", "tickets_jira.csv", "ground_truth.json"}
    assert first == second


def test_different_seed_different_export(tmp_path):
    base = SampleOptions(days=35, per_day=60, seed=3)
    generate_export(tmp_path / "a", base)
    generate_export(tmp_path / "b", SampleOptions(days=35, per_day=60, seed=4))
    assert _files(tmp_path / "a") != _files(tmp_path / "b")


def test_one_format_alone_equals_that_format_in_all(tmp_path, export):
    alone = SampleOptions(**{**OPTIONS.__dict__, "formats": ("jira",)})
    generate_export(tmp_path, alone)
    written = (tmp_path / "tickets_jira.csv").read_bytes()
    assert written == (export / "tickets_jira.csv").read_bytes()


# --- exact formats ----------------------------------------------------------------------------

@pytest.mark.parametrize("file,header,bom,eol", [
    ("tickets_canonical.csv", CANONICAL_HEADER, False, b"\n"),
    ("tickets_zendesk.csv", ZENDESK_HEADER, False, b"\r\n"),
    ("cases.csv", CASES_HEADER, True, b"\n"),
    ("case_milestones.csv", MILESTONES_HEADER, True, b"\n"),
    ("tickets_jira.csv", JIRA_HEADER, False, b"\n"),
])
def test_header_bom_and_line_ends_are_exactly_the_format(export, file, header, bom, eol):
    data = (export / file).read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") == bom
    body = data[3:] if bom else data
    first_line = body.split(eol, 1)[0].decode("utf-8")
    assert first_line == header
    if eol == b"\n":
        assert b"\r\n" not in data
    else:
        assert data.count(b"\r\n") == data.count(b"\n")


def test_salesforce_quotes_every_value_including_empty(export):
    for file in ("cases.csv", "case_milestones.csv"):
        text = (export / file).read_text(encoding="utf-8-sig")
        lines = text.splitlines()
        quoted_fields = re.compile(r'^"(?:[^"]|"")*"(?:,"(?:[^"]|"")*")*$')
        assert all(quoted_fields.match(line) for line in lines), file
    cases = (export / "cases.csv").read_text(encoding="utf-8-sig")
    assert ',"",' in cases          # open cases: CLOSEDDATE, unscored QA_SCORE__C ...


def test_salesforce_values(con):
    assert one(con, "SELECT count(*) FROM s "
                    "WHERE NOT regexp_full_match(ID, '500[0-9A-Za-z]{15}')") == 0
    assert one(con, "SELECT count(DISTINCT ID) = count(*) FROM s")
    assert one(con, "SELECT count(*) FROM s "
                    "WHERE NOT regexp_full_match(CASENUMBER, '[0-9]{8}')") == 0
    assert one(con, "SELECT count(*) FROM s WHERE NOT regexp_full_match(CREATEDDATE, "
                    r"'\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z')") == 0
    assert {r[0] for r in rows(con, "SELECT DISTINCT STATUS FROM s")} <= {
        "New", "Working", "Escalated", "On Hold", "Closed"}
    assert {r[0] for r in rows(con, "SELECT DISTINCT PRIORITY FROM s")} == {
        "Critical", "High", "Medium", "Low"}
    assert one(con, "SELECT count(*) FROM s WHERE ABUSE_CATEGORY__C = 'Legacy_Other'") > 0
    assert one(con, "SELECT count(*) FROM s "
                    "WHERE (ISCLOSED = 'true') <> (CLOSEDDATE IS NOT NULL)") == 0
    assert one(con, "SELECT count(*) FROM s WHERE QA_SCORE__C IS NOT NULL "
                    r"AND NOT regexp_full_match(QA_SCORE__C, '\d+\.\d')") == 0


def test_zendesk_mess_is_present(con):
    """The real-export mess the ingest must cope with is actually in the sample."""
    assert one(con, """SELECT count(*) FROM z WHERE "Solved at" = '1900-01-01 00:00:00'
                       AND "Status" NOT IN ('Solved', 'Closed')""") > 0
    assert one(con, """SELECT count(*) FROM z WHERE "Solved at" = '1900-01-01 00:00:00'
                       AND "Status" IN ('Solved', 'Closed')""") == 0
    assert one(con, """SELECT count(*) FROM z WHERE "Due date" = '1900-01-01 00:00:00'""") > 0
    assert one(con, 'SELECT count(*) FROM z WHERE "Priority" IS NULL') > 0
    satisfaction = {r[0] for r in rows(con, 'SELECT DISTINCT "Satisfaction Score" FROM z')}
    assert {"Offered", "Unoffered", "1", "5"} <= satisfaction
    assert one(con, """SELECT count(*) FROM z WHERE "Abuse category [list]" = 'Copyright'""") > 0
    assert one(con, 'SELECT count(*) FROM z WHERE "Abuse category [list]" IS NULL') > 0
    assert one(con, """SELECT count(*) FROM z WHERE "Status" NOT IN
                       ('New','Open','Pending','Hold','Solved','Closed')""") == 0


def test_jira_dates_and_labels(export, con):
    created = [r[0] for r in rows(con, 'SELECT "Created" FROM j')]
    pattern = re.compile(r"\d\d/(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)/\d\d "
                         r"([1-9]|1[0-2]):[0-5]\d (AM|PM)")
    assert all(pattern.fullmatch(text) for text in created)
    with open(export / "tickets_jira.csv", newline="", encoding="utf-8") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        label_at = [i for i, name in enumerate(header) if name == "Labels"]
        packed = escalated = 0
        for record in reader:
            values = [record[i] for i in label_at]
            # labels are packed left: no blank column before a filled one
            packed += values == sorted(values, key=lambda v: v == "")
            escalated += "escalated" in values
    assert len(label_at) == 3 and packed == len(created) and escalated > 0


# --- the same tickets in every format ---------------------------------------------------------

def test_row_counts_agree_across_formats(con):
    n = one(con, "SELECT count(*) FROM c")
    assert n > 10_000
    for table in ("z", "s", "j"):
        assert one(con, f"SELECT count(*) FROM {table}") == n
    assert one(con, """SELECT count(*) FROM m WHERE "MILESTONETYPE.NAME" = 'First Response'""") == n


def test_naive_timestamps_are_in_the_export_time_zone(con):
    """Zendesk (seconds) and Jira (minutes) wall clocks map back to the canonical UTC instants."""
    assert one(con, f"""
        SELECT count(*) FROM c JOIN z ON z."Id"::BIGINT = c.ticket_no + 100000
        WHERE timezone('{EXPORT_TZ}', z."Created at"::TIMESTAMP) <> c.created_at
           OR timezone('{EXPORT_TZ}', z."Updated at"::TIMESTAMP) <> c.updated_at""") == 0
    assert one(con, f"""
        SELECT count(*) FROM c JOIN j ON j."Issue key" = 'TNS-' || c.ticket_no
        WHERE timezone('{EXPORT_TZ}', strptime(j."Created", '%d/%b/%y %-I:%M %p'))
              <> date_trunc('minute', c.created_at)""") == 0
    assert one(con, """
        SELECT count(*) FROM c JOIN s ON s.CASENUMBER::BIGINT = c.ticket_no
        WHERE s.CREATEDDATE::TIMESTAMPTZ <> c.created_at""") == 0


def test_first_response_agrees_across_formats(con):
    assert one(con, """
        SELECT count(*) FROM c JOIN z ON z."Id"::BIGINT = c.ticket_no + 100000
        WHERE coalesce(c.created_at + to_minutes(z."First reply time in minutes"::BIGINT), 'epoch')
              <> coalesce(c.first_response_at, 'epoch')""") == 0
    assert one(con, """
        SELECT count(*) FROM c JOIN s ON s.CASENUMBER::BIGINT = c.ticket_no
        JOIN m ON m.CASEID = s.ID AND m."MILESTONETYPE.NAME" = 'First Response'
        WHERE coalesce(m.COMPLETIONDATE::TIMESTAMPTZ, 'epoch')
              <> coalesce(c.first_response_at, 'epoch')
           OR (m.ISCOMPLETED = 'true') <> (c.first_response_at IS NOT NULL)""") == 0


def test_reporters_repeat_and_are_consistent_across_formats(con):
    pairs = rows(con, """
        SELECT count(DISTINCT c.reporter_hash), count(DISTINCT z."Requester id"),
               count(DISTINCT (c.reporter_hash, z."Requester id", z."Requester email",
                               s.CONTACTID, s.SUPPLIEDEMAIL, j."Reporter")),
               count(*)
        FROM c JOIN z ON z."Id"::BIGINT = c.ticket_no + 100000
        JOIN s ON s.CASENUMBER::BIGINT = c.ticket_no
        JOIN j ON j."Issue key" = 'TNS-' || c.ticket_no""")[0]
    reporters, requesters, combos, tickets = pairs
    assert reporters == requesters == combos
    assert reporters < 0.8 * tickets


# --- in-memory table and the command line ------------------------------------------------------

def test_canonical_table_matches_the_csv(con):
    table = canonical_table(SampleOptions(**{**OPTIONS.__dict__, "formats": ("canonical",)}))
    assert table.column_names == CANONICAL_HEADER.split(",")
    assert table.num_rows == one(con, "SELECT count(*) FROM c")
    df = table.select(["ticket_id", "qa_score", "reopen_count"]).to_pandas()
    assert df["qa_score"].sum() == pytest.approx(one(con, "SELECT sum(qa_score) FROM c"))
    assert int(df["reopen_count"].sum()) == one(con, "SELECT sum(reopen_count) FROM c")
    compact = canonical_table(SampleOptions(**{**OPTIONS.__dict__, "formats": ("canonical",)}),
                              compact=True)
    assert compact.column("region").type == pa.dictionary(pa.int32(), pa.string())
    assert compact.cast(table.schema).equals(table)


def test_cli_writes_and_reports(tmp_path, capsys):
    code = cli_main(["sample", "--out", str(tmp_path), "--format", "zendesk", "--days", "40",
                     "--per-day", "50", "--seed", "5", "--start", "2026-01-01"])
    out = capsys.readouterr().out
    assert code == 0
    n = sum(1 for _ in open(tmp_path / "tickets_zendesk.csv", newline="", encoding="utf-8")) - 1
    assert f"tickets_zendesk.csv: {n} rows" in out
    truth = json.loads((tmp_path / "ground_truth.json").read_text())
    assert f"{len(truth['spikes'])} labelled spikes" in out and truth["start"] == "2026-01-01"


def test_cli_rejects_unknown_time_zone(tmp_path, capsys):
    code = cli_main(["sample", "--out", str(tmp_path), "--export-timezone", "Mars/Olympus"])
    assert code == 2
    assert "Mars/Olympus" in capsys.readouterr().err


def test_committed_small_sample_is_what_the_documented_command_writes(tmp_path, capsys):
    """sample_data/small must be regenerated (python -m sample_data.make_small) when the
    generator changes; the CLI line in make_small.py's docstring writes the same bytes."""
    small = Path(__file__).resolve().parents[1] / "sample_data" / "small"
    code = cli_main(["sample", "--out", str(tmp_path), "--format", "all", "--days", "60",
                     "--per-day", "35", "--seed", "30", "--start", "2026-05-01",
                     "--export-timezone", "America/Sao_Paulo"])
    assert code == 0
    assert _files(tmp_path) == _files(small)
