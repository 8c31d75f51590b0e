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
