"""Each built-in source read from a file laid out as its vendor documents it."""
from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from pipelines.ingest import TimezoneRequired
from pipelines.sources import UnknownSource
from tests.ingest_fixtures import (
    CANONICAL_COLUMNS, JIRA_COLUMNS, MILESTONE_COLUMNS, SALESFORCE_COLUMNS, ZENDESK_COLUMNS, canonical_row,
    load, one, write_csv, zendesk_row,
)


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=timezone.utc)


# ---------------------------------------------------------------- zendesk CSV

# (local time in the account's zone, zone, UTC it means)
ZENDESK_LOCAL_TIMES = [
    ("2026-03-02 10:00:00", "America/Sao_Paulo", "2026-03-02 13:00:00"),
    ("2026-03-29 00:30:00", "Europe/Berlin", "2026-03-28 23:30:00"),    # before the spring-forward gap
    ("2026-03-29 03:30:00", "Europe/Berlin", "2026-03-29 01:30:00"),    # after it (CEST, UTC+2)
    ("2026-10-25 01:30:00", "Europe/Berlin", "2026-10-24 23:30:00"),    # before the autumn repeat
    ("2026-11-01 12:00:00", "America/New_York", "2026-11-01 17:00:00"),  # first day of EST
    ("2026-03-08 12:00:00", "America/New_York", "2026-03-08 16:00:00"),  # first day of EDT
]


@pytest.mark.parametrize("local, zone, expected", ZENDESK_LOCAL_TIMES)
def test_zendesk_local_times_become_utc_across_dst(tmp_path, memory_con, config, local, zone, expected):
    path = write_csv(tmp_path / "z.csv", ZENDESK_COLUMNS, [zendesk_row(**{"Created at": local, "Updated at": local})])
    load(memory_con, path, config, timezone_name=zone)
    assert one(memory_con, "SELECT created_at FROM tickets")[0] == utc(expected)


def test_zendesk_export_fields_map_to_the_canonical_ticket(tmp_path, memory_con, config):
    path = write_csv(tmp_path / "z.csv", ZENDESK_COLUMNS, [zendesk_row(**{
        "Id": "4711", "Status": "Solved", "Priority": "Urgent", "Via": "Mobile", "Tags": "escalated lang_pt  vip",
        "Created at": "2026-03-02 10:00:00", "Updated at": "2026-03-03 08:00:00", "Solved at": "2026-03-03 07:00:00",
        "First reply time in minutes": "95", "Reopens": "2", "Satisfaction Score": "4", "QA score [int]": "88",
        "Abuse category [list]": "Private information", "Region [list]": "BR", "Language [list]": "PT",
        "Vendor [list]": "In-house", "High profile [flag]": "Yes", "Assignee": "Maria Souza",
        "Requester email": "someone@example.com", "Group": "Safety - Doxxing"})])
    result = load(memory_con, path, config, timezone_name="UTC")
    assert result.source == "zendesk" and result.rows_loaded == 1
    row = memory_con.execute(
        "SELECT ticket_id, status, priority, channel, abuse_category, region, language, vendor, queue, "
        "escalated, high_profile, reopen_count, qa_score, csat, first_response_at, resolved_at, tags "
        "FROM tickets").fetchall()[0]
    assert row == ("4711", "solved", "urgent", "app", "private_information", "BR", "pt", "in_house",
                   "Safety - Doxxing", True, True, 2, 88.0, 4, utc("2026-03-02 11:35:00"),
                   utc("2026-03-03 07:00:00"), ["escalated", "lang_pt", "vip"])
    agent, reporter = one(memory_con, "SELECT agent_id, reporter_hash FROM tickets")
    assert agent.startswith("ag_") and "Maria" not in agent
    assert len(reporter) == 64 and "example" not in reporter


@pytest.mark.parametrize("score, expected", [("Offered", None), ("Unoffered", None), ("", None),
                                             ("5", 5), ("1", 1), ("Good", 5), ("bad", 1),
                                             ("Good with comment", 5), ("bad_with_comment", 1)])
def test_zendesk_satisfaction_mixes_words_and_scores(tmp_path, memory_con, config, score, expected):
    path = write_csv(tmp_path / "z.csv", ZENDESK_COLUMNS, [zendesk_row(**{"Satisfaction Score": score})])
    load(memory_con, path, config, timezone_name="UTC")
    assert one(memory_con, "SELECT csat FROM tickets")[0] == expected


def test_zendesk_without_timezone_is_refused_with_a_reason(tmp_path, memory_con, config):
    path = write_csv(tmp_path / "z.csv", ZENDESK_COLUMNS, [zendesk_row()])
    with pytest.raises(TimezoneRequired, match=r"z\.csv: zendesk exports carry local times.*--timezone"):
        load(memory_con, path, config)
    assert one(memory_con, "SELECT count(*) FROM load_runs") == (0,)


# ---------------------------------------------------------------- zendesk incremental JSON

ZENDESK_TICKET = {
    "id": 35436, "created_at": "2026-03-02T10:00:00Z", "updated_at": "2026-03-02T12:00:00Z",
    "status": "solved", "priority": "high", "via": {"channel": "web", "source": {"from": {}, "to": {}}},
    "tags": ["abuse_hateful_conduct", "region_BR", "lang_pt", "vendor_kestrel", "escalated"],
    "requester_id": 20978392, "assignee_id": 235323, "group_id": 98738, "subject": "Help, I need somebody",
    "description": "private words", "satisfaction_rating": {"score": "good"},
    "custom_fields": [{"id": 27642, "value": "745"}],
}
ZENDESK_METRICS = {"ticket_id": 35436, "reopens": 1, "solved_at": "2026-03-02T11:30:00Z",
                   "reply_time_in_minutes": {"calendar": 30, "business": 20}}


@pytest.mark.parametrize("layout", ["page", "lines"])
def test_zendesk_incremental_export_with_metric_sets(tmp_path, memory_con, config, layout):
    path = tmp_path / "incremental.json"
    if layout == "page":
        path.write_text(json.dumps({"tickets": [ZENDESK_TICKET], "metric_sets": [ZENDESK_METRICS],
                                    "end_of_stream": True, "next_page": None}))
    else:
        path.write_text(json.dumps(ZENDESK_TICKET) + "\n" + json.dumps(ZENDESK_METRICS) + "\n")
    result = load(memory_con, path, config)
    assert (result.source, result.rows_loaded) == ("zendesk", 1)
    assert memory_con.execute(
        "SELECT ticket_id, status, abuse_category, region, language, escalated, reopen_count, csat, "
        "first_response_at, resolved_at FROM tickets").fetchall() == [
        ("35436", "solved", "hateful_conduct", "BR", "pt", True, 1, 5, utc("2026-03-02 10:30:00"),
         utc("2026-03-02 11:30:00"))]


def test_zendesk_json_record_that_is_not_an_object_is_rejected(tmp_path, memory_con, config):
    path = tmp_path / "incremental.json"
    path.write_text(json.dumps({"tickets": [ZENDESK_TICKET, "garbage", dict(ZENDESK_TICKET, id=2)]}))
    result = load(memory_con, path, config)
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (3, 2, 1)
    assert one(memory_con, "SELECT line_number, reason FROM rejected_rows") == (2, "ticket record is not a JSON object")


# ---------------------------------------------------------------- salesforce

def salesforce_case(**values: str) -> dict:
    row = {c: "" for c in SALESFORCE_COLUMNS}
    row.update({"ID": "5005g00000AbCdEAAV", "CASENUMBER": "00001001", "CREATEDDATE": "2026-03-02T10:00:00.000Z",
                "LASTMODIFIEDDATE": "2026-03-02T12:00:00.000Z", "STATUS": "Working", "PRIORITY": "Medium",
                "ORIGIN": "Mobile App", "ISESCALATED": "false", "ISCLOSED": "false", "OWNERID": "0055g00000XyZaBAAZ",
                "SUPPLIEDEMAIL": "a@b.org", "ABUSE_CATEGORY__C": "Harassment", "REGION__C": "IN",
                "LANGUAGE__C": "hi", "VENDOR__C": "Bluepeak BPO", "QUEUE__C": "Safety Harassment",
                "HIGH_PROFILE__C": "false", "REOPEN_COUNT__C": "0"})
    row.update(values)
    return row


@pytest.mark.parametrize("casing", [str.upper, lambda c: {"ID": "Id", "CASENUMBER": "CaseNumber",
                                                          "CREATEDDATE": "CreatedDate"}.get(c, c)])
def test_salesforce_data_loader_extract_with_bom_and_quotes(tmp_path, memory_con, config, casing):
    columns = [casing(c) for c in SALESFORCE_COLUMNS]
    case = salesforce_case(STATUS="Closed", CLOSEDDATE="2026-03-02T11:00:00.000Z", ISESCALATED="true",
                           PRIORITY="Critical", QA_SCORE__C="87.5", CSAT__C="3")
    path = write_csv(tmp_path / "cases.csv", columns, [[case[c] for c in SALESFORCE_COLUMNS]],
                     line_end="\n", bom=True, quote_all=True)
    assert path.read_bytes().startswith(b'\xef\xbb\xbf"')
    result = load(memory_con, path, config)
    assert (result.source, result.rows_loaded) == ("salesforce", 1)
    assert memory_con.execute(
        "SELECT ticket_id, status, priority, channel, escalated, qa_score, csat, resolved_at, agent_id "
        "FROM tickets").fetchall() == [
        ("5005g00000AbCdEAAV", "closed", "urgent", "app", True, 87.5, 3, utc("2026-03-02 11:00:00"),
         "0055g00000XyZaBAAZ")]


@pytest.mark.parametrize("order", ["cases first", "milestones first"])
def test_salesforce_first_response_comes_from_the_milestone_extract(tmp_path, memory_con, config, order):
    cases = write_csv(tmp_path / "cases.csv", SALESFORCE_COLUMNS, [salesforce_case()],
                      line_end="\n", bom=True, quote_all=True)
    milestones = write_csv(tmp_path / "case_milestones.csv", MILESTONE_COLUMNS, [
        ["5575g0000001", "5005g00000AbCdEAAV", "First Response", "2026-03-02T10:00:00.000Z",
         "2026-03-03T10:00:00.000Z", "2026-03-02T10:42:00.000Z", "false", "true"],
        ["5575g0000002", "5005g00000AbCdEAAV", "Resolution", "2026-03-02T10:00:00.000Z",
         "2026-03-05T10:00:00.000Z", "", "false", "false"],
        ["5575g0000003", "5005g00000AbCdEAAV", "First Response", "", "", "not a date", "false", "true"],
    ], line_end="\n", bom=True, quote_all=True)
    files = [cases, milestones] if order == "cases first" else [milestones, cases]
    results = [load(memory_con, f, config) for f in files]
    ms = next(r for r in results if r.source == "salesforce_milestones")
    assert (ms.rows_read, ms.rows_loaded, ms.rows_rejected) == (3, 2, 1)
    assert one(memory_con, "SELECT first_response_at FROM tickets") == (utc("2026-03-02 10:42:00"),)
    assert one(memory_con, "SELECT reason, bad_value FROM rejected_rows") == ("unparseable CompletionDate", "not a date")


@pytest.mark.parametrize("file_name, columns", [("case_milestones.csv", MILESTONE_COLUMNS),
                                                ("cases.csv", SALESFORCE_COLUMNS)])
def test_a_line_the_parser_cannot_split_keeps_no_e_mail_address(tmp_path, memory_con, config, file_name, columns):
    """Milestone extracts and case exports store unsplittable lines through the same redaction."""
    path = write_csv(tmp_path / file_name, columns, [], line_end="\n", bom=True, quote_all=True)
    good = ",".join(f'"{v}"' for v in ["5575g0000001", "5005g00000AbCdEAAV", "First Response",
                                          "2026-03-02T10:00:00.000Z", "", "2026-03-02T10:42:00.000Z",
                                          "false", "true"][:len(columns)] + [""] * (len(columns) - 8))
    torn = '"5575g0000009","reporter@example.com","First Response"'
    with path.open("a", encoding="utf-8") as fh:
        fh.write(good + "\n" + torn + "\n")
    result = load(memory_con, path, config)
    assert result.rows_rejected >= 1
    stored = [r[0] for r in memory_con.execute("SELECT raw_record FROM rejected_rows WHERE line_number = 3").fetchall()]
    assert stored and all("example.com" not in (raw or "") for raw in stored), stored


# ---------------------------------------------------------------- jira

def jira_row(**values: str) -> list[str]:
    row = dict.fromkeys(range(len(JIRA_COLUMNS)), "")
    fields = {"Summary": "Threats in DMs", "Issue key": "TNS-101", "Issue id": "10101", "Status": "Resolved",
              "Priority": "Highest", "Reporter": "qm:1a2b3c", "Created": "12/Mar/24 9:41 AM",
              "Updated": "13/Mar/24 4:05 PM", "Resolved": "13/Mar/24 3:00 PM",
              "Custom field (Abuse category)": "Violent threats", "Custom field (Region)": "IE",
              "Custom field (Request language)": "ga", "Custom field (Team)": "Safety EMEA",
              "Custom field ([CHART] Date of First Response)": "12/Mar/24 10:11 AM",
              "Custom field (High profile)": "No", "Custom field (Channel)": "Portal"}
    fields.update(values)
    labels = fields.pop("labels", ["escalated", "doxxing"])
    for i, col in enumerate(JIRA_COLUMNS):
        if col in fields:
            row[i] = fields[col]
    label_slots = [i for i, c in enumerate(JIRA_COLUMNS) if c == "Labels"]
    for slot, label in zip(label_slots, labels):
        row[slot] = label
    return [row[i] for i in range(len(JIRA_COLUMNS))]


def test_jira_export_with_repeated_labels_and_local_dates(tmp_path, memory_con, config):
    path = write_csv(tmp_path / "jira.csv", JIRA_COLUMNS, [jira_row()], line_end="\n")
    result = load(memory_con, path, config, source="jira", timezone_name="Europe/Dublin")
    assert (result.source, result.rows_loaded) == ("jira", 1)
    assert memory_con.execute(
        "SELECT ticket_id, status, priority, channel, abuse_category, escalated, created_at, first_response_at, "
        "resolved_at, tags FROM tickets").fetchall() == [
        ("TNS-101", "solved", "urgent", "web", "violent_threats", True, utc("2024-03-12 09:41:00"),
         utc("2024-03-12 10:11:00"), utc("2024-03-13 15:00:00"), ["escalated", "doxxing"])]


def test_jira_summer_time_and_localized_month_names(tmp_path, memory_con, config):
    path = write_csv(tmp_path / "jira.csv", JIRA_COLUMNS, [
        jira_row(**{"Issue key": "TNS-1", "Created": "05/Mai/24 11:05 PM", "Updated": "06/Mai/24 1:00 AM",
                    "Resolved": "", "Status": "Open", "Custom field ([CHART] Date of First Response)": ""}),
        jira_row(**{"Issue key": "TNS-2", "Created": "03/Okt/24 12:30 AM", "Updated": "03/Okt/24 12:31 AM",
                    "Resolved": "", "Status": "Waiting for customer",
                    "Custom field ([CHART] Date of First Response)": ""}),
    ], line_end="\n")
    load(memory_con, path, config, source="jira", timezone_name="Europe/Dublin")
    assert memory_con.execute("SELECT ticket_id, status, created_at FROM tickets ORDER BY 1").fetchall() == [
        ("TNS-1", "open", utc("2024-05-05 22:05:00")), ("TNS-2", "pending", utc("2024-10-02 23:30:00"))]


# ---------------------------------------------------------------- canonical in three formats

@pytest.mark.parametrize("fmt", ["csv", "parquet", "jsonl"])
def test_canonical_formats_round_trip(tmp_path, memory_con, config, fmt):
    import duckdb
    rows = [canonical_row(ticket_id="A", tags="spam_wave|vip", csat="4", qa_score="75.5",
                          first_response_at="2026-03-02T11:30:00+01:00"),
            canonical_row(ticket_id="B", status="closed", resolved_at="2026-03-03T00:00:00Z", high_profile="true")]
    csv_path = write_csv(tmp_path / "t.csv", CANONICAL_COLUMNS, rows)
    path = csv_path
    if fmt != "csv":
        path = tmp_path / f"t.{fmt}"
        opts = "(FORMAT parquet)" if fmt == "parquet" else "(FORMAT json)"
        duckdb.execute(f"COPY (SELECT * REPLACE (string_split(tags, '|') AS tags) FROM read_csv('{csv_path}', "
                       f"all_varchar=true)) TO '{path}' {opts}")
    result = load(memory_con, path, config)
    assert (result.source, result.rows_loaded, result.rows_rejected) == ("canonical", 2, 0)
    assert memory_con.execute("SELECT ticket_id, first_response_at, tags, csat, qa_score, high_profile, resolved_at "
                              "FROM tickets ORDER BY 1").fetchall() == [
        ("A", utc("2026-03-02 10:30:00"), ["spam_wave", "vip"], 4, 75.5, False, None),
        ("B", None, [], None, None, True, utc("2026-03-03 00:00:00"))]


# ---------------------------------------------------------------- detection and mappings

def test_unknown_header_lists_what_each_source_misses(tmp_path, memory_con, config):
    path = write_csv(tmp_path / "odd.csv", ["case", "opened", "kind"], [["1", "2026-01-01", "spam"]])
    with pytest.raises(UnknownSource) as err:
        load(memory_con, path, config)
    message = str(err.value)
    assert "odd.csv: line 1" in message
    # names no mapping knows are counted, not printed: in a file without a header they are a ticket's values
    assert "'case'" not in message and "3 other column(s) whose names are not shown" in message
    assert "zendesk: missing 'Id', 'Created at', 'Status'" in message
    assert "--mapping" in message


def test_named_source_that_does_not_fit_says_which_columns_are_missing(tmp_path, memory_con, config):
    path = write_csv(tmp_path / "z.csv", ZENDESK_COLUMNS, [zendesk_row()])
    with pytest.raises(UnknownSource, match=r"not a jira export .* missing required column\(s\) 'Issue key'"):
        load(memory_con, path, config, source="jira", timezone_name="UTC")


def test_a_user_mapping_reads_any_csv(tmp_path, memory_con, config):
    mapping = tmp_path / "ours.toml"
    mapping.write_text('''
[source]
name = "trustdesk"
timestamps = "naive"
timestamp_formats = ["%d.%m.%Y %H:%M"]
timezone = "Europe/Berlin"
list_separator = ";"
[fields]
ticket_id = "Fall"
created_at = "Eingang"
status = "Zustand"
abuse_category = "Kategorie"
region = { constant = "DE" }
vendor = { constant = "Harbor Ops" }
escalated = { tag = "eskaliert" }
tags = "Schlagworte"
reporter = "Melder"
[values.status]
offen = "open"
erledigt = "solved"
[values.abuse_category]
hassrede = "hateful_conduct"
''')
    path = write_csv(tmp_path / "export.csv", ["Fall", "Eingang", "Zustand", "Kategorie", "Schlagworte", "Melder"], [
        ["F-1", "02.03.2026 10:00", "offen", "Hassrede", "eskaliert;welle", "melder@example.de"],
        ["F-2", "02.03.2026 11:00", "verloren", "Spam", "", "x"],
    ])
    result = load(memory_con, path, config, mapping_path=str(mapping))
    assert (result.source, result.rows_loaded, result.rows_rejected) == ("trustdesk", 1, 1)
    assert memory_con.execute("SELECT source, ticket_id, created_at, abuse_category, region, vendor, escalated, tags "
                              "FROM tickets").fetchall() == [
        ("trustdesk", "F-1", utc("2026-03-02 09:00:00"), "hateful_conduct", "DE", "Harbor Ops", True,
         ["eskaliert", "welle"])]
    assert one(memory_con, "SELECT reason, bad_value FROM rejected_rows") == ("unknown status", "verloren")


@pytest.mark.parametrize("section, expected", [
    ('[ingest]\ntimezone = "America/Sao_Paulo"\n', "2026-03-02 13:00:00"),
    ('[ingest.timezones]\nzendesk = "Asia/Tokyo"\n', "2026-03-02 01:00:00"),
    ('[ingest]\ntimezone = "UTC"\n[ingest.timezones]\nzendesk = "Asia/Tokyo"\n', "2026-03-02 01:00:00"),
])
def test_config_gives_the_zone_of_naive_exports_when_cron_passes_none(tmp_path, memory_con, config_file,
                                                                       section, expected):
    from core.config import load_config
    config_file.write_text(config_file.read_text() + section)
    path = write_csv(tmp_path / "z.csv", ZENDESK_COLUMNS, [zendesk_row(**{"Created at": "2026-03-02 10:00:00",
                                                                          "Updated at": "2026-03-02 10:00:00"})])
    load(memory_con, path, load_config(config_file))
    assert one(memory_con, "SELECT created_at FROM tickets")[0] == utc(expected)


@pytest.mark.parametrize("columns, row, zone_reported", [
    (ZENDESK_COLUMNS, zendesk_row(), "Europe/Dublin"),          # local times: read in the zone given
    (CANONICAL_COLUMNS, canonical_row(), None),                 # offsets in the data: the zone is unused
])
def test_the_zone_reported_is_the_one_the_timestamps_were_read_in(tmp_path, memory_con, config, columns, row,
                                                                  zone_reported):
    path = write_csv(tmp_path / "f.csv", columns, [row])
    result = load(memory_con, path, config, timezone_name="Europe/Dublin")
    assert result.timezone == zone_reported
    assert one(memory_con, "SELECT timezone FROM load_runs") == (zone_reported,)


@pytest.mark.parametrize("fmt, line", [("csv", 3), ("parquet", 2), ("jsonl", 2)])
def test_a_rejected_record_keeps_its_position_and_fields_in_every_canonical_format(tmp_path, memory_con, config,
                                                                                  fmt, line):
    """CSV counts the header as line 1; Parquet and JSON lines number records from 1. The record
    is read back from the file by position, so it must be the rejected one, whole."""
    import duckdb
    import json
    rows = [canonical_row(ticket_id="A"), canonical_row(ticket_id="B", status="weird", queue="Q-B"),
            canonical_row(ticket_id="C")]
    path = write_csv(tmp_path / "t.csv", CANONICAL_COLUMNS, rows)
    if fmt != "csv":
        typed = tmp_path / f"t.{fmt}"
        opts = "(FORMAT parquet)" if fmt == "parquet" else "(FORMAT json)"
        duckdb.execute(f"COPY (SELECT * FROM read_csv('{path}', all_varchar=true)) TO '{typed}' {opts}")
        path = typed
    result = load(memory_con, path, config)
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (3, 2, 1)
    got_line, reason, record = one(memory_con, "SELECT line_number, reason, raw_record FROM rejected_rows")
    assert (got_line, reason) == (line, "unknown status")
    fields = json.loads(record)
    assert (fields["ticket_id"], fields["status"], fields["queue"]) == ("B", "weird", "Q-B")
