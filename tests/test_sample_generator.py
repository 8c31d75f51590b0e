"""The sample-export generator: exact formats, determinism, ticket invariants, planted spikes.

One module-scoped simulation (60 days, 300 tickets/day, all four formats, naive timestamps in
America/Sao_Paulo) backs most tests; determinism tests generate their own small exports.
"""
from __future__ import annotations

import csv
import json
import math
import re
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import duckdb
import pytest

from safetyops.cli import main as cli_main
from sample_data.generator import (SampleOptions, canonical_table, generate_export,
                                   parse_formats)

EXPORT_TZ = "America/Sao_Paulo"
OPTIONS = SampleOptions(start=date(2026, 5, 1), days=60, per_day=300, seed=11,
                        export_timezone=EXPORT_TZ, formats=parse_formats("all"))
WINDOW_END = datetime(2026, 6, 30, tzinfo=timezone.utc)

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
    assert (tmp_path / "tickets_jira.csv").read_bytes() == (export / "tickets_jira.csv").read_bytes()


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
    assert one(con, "SELECT count(*) FROM s WHERE NOT regexp_full_match(ID, '500[0-9A-Za-z]{15}')") == 0
    assert one(con, "SELECT count(DISTINCT ID) = count(*) FROM s")
    assert one(con, "SELECT count(*) FROM s WHERE NOT regexp_full_match(CASENUMBER, '[0-9]{8}')") == 0
    assert one(con, "SELECT count(*) FROM s WHERE NOT regexp_full_match(CREATEDDATE, "
                    r"'\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z')") == 0
    assert {r[0] for r in rows(con, "SELECT DISTINCT STATUS FROM s")} <= {
        "New", "Working", "Escalated", "On Hold", "Closed"}
    assert {r[0] for r in rows(con, "SELECT DISTINCT PRIORITY FROM s")} == {
        "Critical", "High", "Medium", "Low"}
    assert one(con, "SELECT count(*) FROM s WHERE ABUSE_CATEGORY__C = 'Legacy_Other'") > 0
    assert one(con, "SELECT count(*) FROM s WHERE (ISCLOSED = 'true') <> (CLOSEDDATE IS NOT NULL)") == 0
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
        WHERE coalesce(m.COMPLETIONDATE::TIMESTAMPTZ, 'epoch') <> coalesce(c.first_response_at, 'epoch')
           OR (m.ISCOMPLETED = 'true') <> (c.first_response_at IS NOT NULL)""") == 0


def test_reporters_repeat_and_are_consistent_across_formats(con):
    pairs = rows(con, """
        SELECT count(DISTINCT c.reporter_hash), count(DISTINCT z."Requester id"),
               count(DISTINCT (c.reporter_hash, z."Requester id", z."Requester email",
                               s.CONTACTID, s.SUPPLIEDEMAIL, j."Reporter")),
               count(*)
        FROM c JOIN z ON z."Id"::BIGINT = c.ticket_no + 100000
        JOIN s ON s.CASENUMBER::BIGINT = c.ticket_no JOIN j ON j."Issue key" = 'TNS-' || c.ticket_no""")[0]
    reporters, requesters, combos, tickets = pairs
    assert reporters == requesters == combos
    assert reporters < 0.8 * tickets


# --- invariants per ticket --------------------------------------------------------------------

def test_ticket_invariants(con):
    violations = con.execute("""
        SELECT count(*) FILTER (WHERE first_response_at < created_at),
               count(*) FILTER (WHERE first_response_at > updated_at),
               count(*) FILTER (WHERE resolved_at < created_at OR resolved_at > updated_at),
               count(*) FILTER (WHERE (status IN ('solved', 'closed')) <> (resolved_at IS NOT NULL)),
               count(*) FILTER (WHERE resolved_at IS NOT NULL AND first_response_at IS NULL),
               count(*) FILTER (WHERE reopen_count < 0),
               count(*) FILTER (WHERE qa_score < 0 OR qa_score > 100),
               count(*) FILTER (WHERE csat NOT BETWEEN 1 AND 5),
               count(*) FILTER (WHERE (qa_score IS NOT NULL OR csat IS NOT NULL)
                                AND resolved_at IS NULL),
               count(*) FILTER (WHERE updated_at > $end OR created_at >= $end),
               count(*) FILTER (WHERE status NOT IN
                                ('new', 'open', 'pending', 'on_hold', 'solved', 'closed'))
        FROM c""", {"end": WINDOW_END}).fetchall()[0]
    assert violations == (0,) * 11


def test_open_tickets_at_the_end_are_mostly_recent(con):
    recent, old = rows(con, """
        SELECT avg((resolved_at IS NULL)::INT) FILTER (WHERE created_at >= $end - INTERVAL 2 DAY),
               avg((resolved_at IS NULL)::INT) FILTER (WHERE created_at < $end - INTERVAL 30 DAY)
        FROM c""".replace("$end", "TIMESTAMPTZ '2026-06-30 00:00:00+00'"))[0]
    assert recent > 0.3 and 0 < old < 0.05
    assert one(con, "SELECT count(*) FROM c WHERE first_response_at IS NULL") > 0
    assert one(con, "SELECT count(*) FROM c WHERE reopen_count > 0") > 0
    assert one(con, "SELECT count(*) FROM c WHERE escalated") > 0


def test_samples_and_shares(con):
    qa, csat, high_profile = rows(con, """
        SELECT count(qa_score) / count(resolved_at), count(csat) / count(resolved_at),
               avg(high_profile::INT) FROM c""")[0]
    assert 0.08 < qa < 0.12 and 0.27 < csat < 0.33 and 0.01 < high_profile < 0.035


def test_dimensions_are_rich_enough(con):
    regions, languages, vendors = rows(con, """SELECT count(DISTINCT region),
        count(DISTINCT language), count(DISTINCT vendor) FROM c""")[0]
    assert regions >= 8 and languages >= 15 and vendors >= 5


def test_vendors_differ_and_urgent_is_answered_fastest(con):
    by_vendor = rows(con, """
        SELECT vendor, median(epoch(first_response_at - created_at) / 60), avg(qa_score)
        FROM c WHERE priority = 'normal' GROUP BY vendor""")
    medians = [r[1] for r in by_vendor]
    qa_means = [r[2] for r in by_vendor]
    assert max(medians) > 2 * min(medians) and max(qa_means) - min(qa_means) > 8
    by_priority = dict(rows(con, """SELECT priority, median(epoch(first_response_at - created_at))
                                    FROM c GROUP BY priority"""))
    assert by_priority["urgent"] < by_priority["high"] < by_priority["normal"] < by_priority["low"]


def test_seasonality_follows_local_time(con):
    """Each big region peaks in its local evening and troughs at night; UTC peaks differ."""
    utc_peaks = {}
    for region in ("US", "BR", "IN", "JP"):
        local = dict(rows(con, f"""SELECT hour(timezone('{REGION_ZONES[region]}', created_at)),
                                   count(*) FROM c WHERE region = $1 GROUP BY 1""", region))
        peak = max(local, key=local.get)
        trough = min(local, key=local.get)
        assert 17 <= peak <= 22 and 1 <= trough <= 6
        assert local[peak] > 3 * local[trough]
        utc = dict(rows(con, "SELECT hour(created_at), count(*) FROM c WHERE region = $1 "
                             "GROUP BY 1", region))
        utc_peaks[region] = max(utc, key=utc.get)
    assert len(set(utc_peaks.values())) >= 3


# --- spikes and ground truth ------------------------------------------------------------------

def test_ground_truth_document(export):
    truth = json.loads((export / "ground_truth.json").read_text())
    assert {k: truth[k] for k in ("seed", "start", "days", "per_day", "export_timezone")} == {
        "seed": 11, "start": "2026-05-01", "days": 60, "per_day": 300, "export_timezone": EXPORT_TZ}
    assert len(truth["spikes"]) == 2
    warm_up_end = datetime(2026, 5, 29, tzinfo=timezone.utc)
    series = set()
    for spike in truth["spikes"]:
        start = datetime.fromisoformat(spike["start"].replace("Z", "+00:00"))
        end = datetime.fromisoformat(spike["end"].replace("Z", "+00:00"))
        assert warm_up_end <= start < end <= WINDOW_END
        assert (end - start) in [timedelta(days=d) for d in (1, 2, 3, 4)]
        assert 1.5 <= spike["multiplier"] <= 5.0
        assert spike["abuse_category"] != "other"
        series.add((spike["abuse_category"], spike["region"]))
    assert len(series) == len(truth["spikes"])


def test_spikes_raise_their_series(export, con):
    truth = json.loads((export / "ground_truth.json").read_text())
    for spike in truth["spikes"]:
        where = ("abuse_category = $1 AND region = $2")
        args = (spike["abuse_category"], spike["region"], spike["start"], spike["end"])
        inside, planted_language, planted_vendor = rows(con, f"""
            SELECT count(*), count(*) FILTER (WHERE language = $5),
                   count(*) FILTER (WHERE vendor = $6)
            FROM c WHERE {where} AND created_at >= $3::TIMESTAMPTZ AND created_at < $4::TIMESTAMPTZ""",
            *args, spike["top_language"], spike["top_vendor"])[0]
        days = (datetime.fromisoformat(spike["end"][:-1]) -
                datetime.fromisoformat(spike["start"][:-1])).days
        baseline = spike["baseline_per_day"] * days
        # inside = Poisson(baseline) + the realised extra tickets
        assert abs(inside - baseline - spike["extra_tickets"]) <= 4 * math.sqrt(baseline) + 2
        expected_extra = baseline * (spike["multiplier"] - 1)
        assert abs(spike["extra_tickets"] - expected_extra) <= 4 * math.sqrt(expected_extra) + 2
        normal_daily = one(con, f"""
            SELECT count(*) / count(DISTINCT created_at::DATE) FROM c
            WHERE {where} AND (created_at < $3::TIMESTAMPTZ OR created_at >= $4::TIMESTAMPTZ)""",
            *args)
        assert inside / days > 1.3 * normal_daily
        # the planted contributor carries most of the extra tickets
        assert planted_language >= 0.6 * spike["extra_tickets"]
        assert planted_vendor >= 0.6 * spike["extra_tickets"]


# --- in-memory table and the command line ------------------------------------------------------

def test_canonical_table_matches_the_csv(con):
    table = canonical_table(SampleOptions(**{**OPTIONS.__dict__, "formats": ("canonical",)}))
    assert table.column_names == CANONICAL_HEADER.split(",")
    assert table.num_rows == one(con, "SELECT count(*) FROM c")
    df = table.select(["ticket_id", "qa_score", "reopen_count"]).to_pandas()
    assert df["qa_score"].sum() == pytest.approx(one(con, "SELECT sum(qa_score) FROM c"))
    assert int(df["reopen_count"].sum()) == one(con, "SELECT sum(reopen_count) FROM c")


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
