"""Help desks that write durations in seconds, rate satisfaction in words and keep the channel in a
"Type" column (Help Scout's conversation export, ServiceNow's incident list): the draft puts each
column on the field in its own unit, guesses the words right, and the export loads through it."""
from __future__ import annotations

import pytest

from pipelines.mapping_draft import guess_columns
from pipelines.value_guesses import guess_value
from tests.mapping_fixtures import drafted, loaded, write_export
from tests.test_mapping_draft_reports import TAXONOMY
from tests.test_mapping_draft_values import sample_of

HELP_SCOUT = ["Conversation ID", "Number", "Subject", "Status", "Mailbox", "Assigned To", "Customer Email",
              "Created At", "Closed At", "Last Updated", "Tags", "Type", "First Response Time (seconds)",
              "Resolution Time (seconds)", "Rating"]
HELP_SCOUT_ROWS = [
    ["2000001", "501", "Doxxing", "closed", "Trust & Safety", "Ana", "c1@example.org", "2026-03-02T09:00:00Z",
     "2026-03-02T10:00:00Z", "2026-03-02T10:00:00Z", "doxxing", "email", "1830", "3600", "Not Good"],
    ["2000002", "502", "Spam", "active", "Trust & Safety", "Ben", "c2@example.org", "2026-03-02T11:00:00Z",
     "", "2026-03-02T11:30:00Z", "spam", "chat", "90", "", "Great"],
    ["2000003", "503", "Hi", "pending", "Trust & Safety", "Ana", "c3@example.org", "2026-03-03T08:00:00Z",
     "", "2026-03-03T08:10:00Z", "", "phone", "soon", "", "Okay"],
    ["2000004", "504", "Scam", "pending", "Trust & Safety", "Ben", "c4@example.org", "2026-03-03T09:00:00Z",
     "", "2026-03-03T09:10:00Z", "spam", "email", "600", "", ""],
    ["2000005", "505", "Threat", "pending", "Trust & Safety", "Ana", "c5@example.org", "2026-03-03T10:00:00Z",
     "", "2026-03-03T10:10:00Z", "", "chat", "60", "", ""],
]


@pytest.mark.parametrize("column, field", [
    ("First Response Time (seconds)", "first_response_seconds"),
    ("Resolution Time (seconds)", "resolution_seconds"),
    ("first_response_seconds", "first_response_seconds"),
    ("First reply time (min)", "first_response_minutes"),
    ("First reply time", "first_response_minutes"),           # (unit-less: minutes, as Zendesk writes it)
    ("Full resolution time (hrs)", "resolution_hours"),
    ("First response time (days)", None),                     # no field reads days
    ("Resolution time (ms)", None),                           # nor milliseconds
])
def test_a_duration_column_goes_only_to_the_field_in_the_unit_its_name_states(column, field):
    guessed = guess_columns(["Ticket ID", "Created", "Status", column])
    durations = {name: col for name, col in guessed.items() if col == column}
    assert durations == ({field: column} if field else {})


@pytest.mark.parametrize("raw, score", [
    ("Not Good", "1"), ("Okay", "3"), ("Great", "5"), ("Not satisfied", "1"), ("Dissatisfied", "1"),
    ("Satisfied", "5"), ("Good", "5"), ("Bad", "1"), ("Neutral", "3"), ("Excellent", "5"), ("Not offered", ""),
])
def test_satisfaction_words_are_read_with_their_negations(raw, score):
    assert guess_value("csat", raw, TAXONOMY) == score


@pytest.mark.parametrize("header, values, channel", [
    (["Conversation ID", "Created At", "Status", "Type"], ["email", "chat", "phone"], "Type"),
    (["Id", "Created at", "Status", "Type"], ["question", "incident", "problem"], None),          # Zendesk's type
    (["Issue key", "Created", "Status", "Request Type"], ["Report abuse", "Appeal"], None),       # Jira's
    (["number", "opened_at", "state", "contact_type"], ["Email", "Phone", "Self-service", "Walk-in"], "contact_type"),
])
def test_a_type_column_is_the_channel_only_when_its_values_are_channels(header, values, channel):
    rows = [["1", "2026-03-02 09:00:00", "Open", v] for v in values]
    assert guess_columns(header, sample_of(header, rows), TAXONOMY).get("channel") == channel


def test_a_help_scout_export_loads_through_its_draft_with_seconds_and_rating_words(tmp_path, config_file, capsys):
    export = write_export(tmp_path / "helpscout.csv", HELP_SCOUT, HELP_SCOUT_ROWS)
    draft = drafted(config_file, capsys, export, "helpscout")
    for line in ('first_response_seconds = "First Response Time (seconds)"', 'channel = "Type"',
                 'queue = "Mailbox"', 'agent = "Assigned To"', '"active" = "open"', '"Not Good" = "1"'):
        assert line in draft
    stored = loaded(config_file, capsys, export, draft,
                    "SELECT ticket_id, status, channel, queue, csat, "
                    "CAST(datediff('second', created_at, first_response_at) AS VARCHAR), "
                    "CAST(datediff('second', created_at, resolved_at) AS VARCHAR) FROM tickets "
                    "UNION ALL SELECT CAST(line_number AS VARCHAR), reason, bad_value, NULL, NULL, NULL, NULL "
                    "FROM rejected_rows ORDER BY ALL")
    assert stored == [("2000001", "closed", "email", "Trust & Safety", 1, "1830", "3600"),
                      ("2000002", "open", "chat", "Trust & Safety", 5, "90", None),
                      ("2000004", "pending", "email", "Trust & Safety", None, "600", None),
                      ("2000005", "pending", "chat", "Trust & Safety", None, "60", None),
                      ("4", "unparseable first response seconds", "soon", None, None, None, None)]


def test_a_servicenow_incident_list_is_drafted_field_by_field():
    header = ["number", "opened_at", "short_description", "caller_id", "priority", "state", "category",
              "assignment_group", "assigned_to", "sys_updated_on", "resolved_at", "contact_type", "sys_created_on"]
    rows = [["INC0010001", "2026-03-02 09:00:00", "Harassing DMs", "u1@example.com", "3 - Moderate", "In Progress",
             "Harassment", "T&S Tier 1", "Ana", "2026-03-02 10:00:00", "", "Email", "2026-03-02 09:00:00"]]
    guessed = guess_columns(header, sample_of(header, rows), TAXONOMY)
    assert {f: guessed.get(f) for f in ("ticket_id", "channel", "reporter", "agent", "subject", "queue")} == {
        "ticket_id": "number", "channel": "contact_type", "reporter": "caller_id", "agent": "assigned_to",
        "subject": "short_description", "queue": "assignment_group"}
    assert [guess_value("priority", p, TAXONOMY) for p in ("1 - Critical", "3 - Moderate", "5 - Planning")] == [
        "urgent", "normal", "low"]
    # (and Jira's five)
    assert [guess_value("priority", p, TAXONOMY) for p in ("Blocker", "Critical", "Major", "Minor", "Trivial")] == [
        "urgent", "urgent", "high", "low", "low"]


@pytest.mark.parametrize("written, fmt", [
    ("12 Mar 2026 09:15 PM", "%d %b %Y %I:%M %p"),               # Zoho Desk
    ("Mar 12, 2026 9:15 PM", "%b %d, %Y %I:%M %p"),              # HubSpot, many report tools
    ("12-Mar-2026 21:15", "%d-%b-%Y %H:%M"),
    ("March 12, 2026 9:15 PM", "%B %d, %Y %I:%M %p"),
    ("3/12/2026 9:15:00 PM", "%m/%d/%Y %I:%M:%S %p"),            # Excel (en-US) with seconds
    ("12.03.2026 21:15:00", "%d.%m.%Y %H:%M:%S"),
    ("2026-03-12 21:15:00.250", "%Y-%m-%d %H:%M:%S.%f"),
    ("2026-03-12T21:15", "%Y-%m-%dT%H:%M"),
])
def test_dates_written_in_other_common_forms_are_drafted_and_loaded(tmp_path, config_file, capsys, written, fmt):
    export = write_export(tmp_path / "desk.csv", ["Ticket Id", "Created Time", "Status"],
                          [["1", written, "Open"], ["2", written, "Closed"]])
    draft = drafted(config_file, capsys, export, "desk")
    assert f'timestamp_formats = ["{fmt}"]' in draft and "WARNING" not in draft
    stored = loaded(config_file, capsys, export, draft, "SELECT DISTINCT strftime(created_at, '%Y-%m-%d %H:%M') "
                    "FROM tickets", "--timezone", "UTC")
    assert stored == [("2026-03-12 21:15",)]


def test_durations_written_as_clocks_are_read_in_the_fields_unit(tmp_path, config_file, capsys):
    export = write_export(tmp_path / "clocks.csv", ["id", "created", "state", "First reply (HH:mm:ss)", "Resolution (hrs)"], [
        ["1", "2026-11-02T09:00:00Z", "solved", "1:30:00", "26:03"],        # h:mm:ss; h:mm (hours past 24)
        ["2", "2026-11-02T09:00:00Z", "open", "0:00:45", ""],
        ["3", "2026-11-02T09:00:00Z", "open", "45", ""],                     # a plain number still reads
        ["4", "2026-11-02T09:00:00Z", "open", "1:75:00", ""],                # no clock: 75 minutes
        ["5", "2026-11-02T09:00:00Z", "open", "-0:10:00", ""]])
    mapping = ('[source]\nname = "clocks"\nformat = "csv"\ntimestamps = "offset"\n[fields]\nticket_id = "id"\n'
               'created_at = "created"\nstatus = "state"\nfirst_response_minutes = "First reply (HH:mm:ss)"\n'
               'resolution_hours = "Resolution (hrs)"\n')
    rows = loaded(config_file, capsys, export, mapping,
                  "SELECT ticket_id, CAST(datediff('second', created_at, first_response_at) AS VARCHAR), "
                  "CAST(datediff('minute', created_at, resolved_at) AS VARCHAR) FROM tickets "
                  "UNION ALL SELECT reason, bad_value, NULL FROM rejected_rows ORDER BY ALL")
    assert rows == [("1", "5400", "1563"), ("2", "45", None), ("3", "2700", None),
                    ("first response before created", "-0:10:00", None),
                    ("unparseable first response minutes", "1:75:00", None)]


def test_a_hubspot_export_with_clock_durations_is_drafted_and_loaded(tmp_path, config_file, capsys):
    header = ["Ticket ID", "Create date", "Ticket status", "Time to first agent reply (HH:mm:ss)", "Ticket owner",
              "Time to close (HH:mm:ss)"]
    export = write_export(tmp_path / "hubspot.csv", header, [
        ["1", "2026-11-02 09:15", "Closed", "00:12:31", "Ana", "03:00:00"],
        ["2", "2026-11-02 10:00", "Open", "01:00:00", "Ben", ""]])
    draft = drafted(config_file, capsys, export, "hubspot")
    assert 'first_response_minutes = "Time to first agent reply (HH:mm:ss)"' in draft
    assert 'resolution_minutes = "Time to close (HH:mm:ss)"' in draft and 'agent = "Ticket owner"' in draft
    stored = loaded(config_file, capsys, export, draft,
                    "SELECT ticket_id, datediff('second', created_at, first_response_at), "
                    "strftime(resolved_at, '%H:%M') FROM tickets ORDER BY 1", "--timezone", "UTC")
    assert stored == [("1", 751, "12:15"), ("2", 3600, None)]


def test_a_workbooks_duration_cells_load_as_minutes(tmp_path, memory_con, config):
    from datetime import datetime, timedelta
    from tests.test_workbooks import workbook
    from tests.ingest_fixtures import load
    path = workbook(tmp_path / "explore.xlsx", {"Tickets": [
        ["Ticket ID", "Created", "Status", "First reply time"],
        ["T1", datetime(2026, 3, 2, 9, 0), "Open", timedelta(hours=1, minutes=30)],
        ["T2", datetime(2026, 3, 2, 10, 0), "Open", 20]]})
    mapping = tmp_path / "explore.toml"
    mapping.write_text('[source]\nname = "explore"\ntimestamps = "naive"\ntimestamp_formats = ["%Y-%m-%d %H:%M:%S"]\n'
                       '[fields]\nticket_id = "Ticket ID"\ncreated_at = "Created"\nstatus = "Status"\n'
                       'first_response_minutes = "First reply time"\n', encoding="utf-8")
    result = load(memory_con, path, config, mapping_path=str(mapping), timezone_name="UTC")
    assert (result.rows_loaded, result.rows_rejected) == (2, 0)
    assert memory_con.execute("SELECT ticket_id, datediff('minute', created_at, first_response_at) FROM tickets "
                              "ORDER BY 1").fetchall() == [("T1", 90), ("T2", 20)]


@pytest.mark.parametrize("field, bad", [
    ("resolution_minutes", "soon"), ("resolution_hours", "1,5,7"), ("resolution_seconds", "n/a?"),
    ("first_response_seconds", "later"),
])
def test_a_duration_that_is_no_number_rejects_its_row_naming_the_value(tmp_path, config_file, capsys, field, bad):
    """As an unreadable date does: the ticket is kept in rejected_rows, not loaded with its figure dropped."""
    export = write_export(tmp_path / "durations.csv", ["id", "created", "state", "figure"], [
        ["1", "2026-11-02T09:00:00Z", "solved", "30"], ["2", "2026-11-02T09:00:00Z", "solved", bad],
        ["3", "2026-11-02T09:00:00Z", "solved", ""]])
    mapping = ('[source]\nname = "durations"\nformat = "csv"\ntimestamps = "offset"\n[fields]\nticket_id = "id"\n'
               f'created_at = "created"\nstatus = "state"\n{field} = "figure"\n')
    unit = field.rsplit("_", 1)[1]
    what = "first response" if field.startswith("first") else "resolution"
    rows = loaded(config_file, capsys, export, mapping,
                  "SELECT ticket_id, NULL, NULL FROM tickets UNION ALL "
                  "SELECT CAST(line_number AS VARCHAR), reason, bad_value FROM rejected_rows ORDER BY ALL")
    assert rows == [("1", None, None), ("3", f"unparseable {what} {unit}", bad), ("3", None, None)]
