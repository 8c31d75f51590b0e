"""`mapping draft` reads a column's values as well as its header: a column whose values cannot be
the field (a date field over "Within SLA") is passed over, and one whose values are the field's
(statuses, channels, trust & safety categories) is proposed before one that only has the name. The
export is shaped as Freshdesk documents its ticket export (Admin > Tickets > Export: "Created time",
"Initial response time", "Last update time", "First response status", "Product", a custom "Abuse
Type"); it loads through the draft with only its TODO lines edited."""
from __future__ import annotations

import pytest

from pipelines.column_fit import FITS, MISFITS, UNSURE, fit
from pipelines.mapping_draft import Sample, guess_columns
from pipelines.csv_dialect import CsvDialect
from safetyops.cli import main
from tests.mapping_fixtures import drafted, loaded, write_export
from tests.test_mapping_draft_reports import TAXONOMY

FRESHDESK = ["Ticket ID", "Subject", "Status", "Priority", "Source", "Type", "Agent", "Group", "Created time",
             "Resolved time", "Closed time", "Last update time", "Initial response time",
             "First response time (in hrs)", "Resolution status", "First response status", "Tags", "Product",
             "Full name", "Email", "Abuse Type", "Country"]
ROWS = [
    ["1001", "help", "Resolved", "High", "Email", "Question", "Ana", "T&S Tier 1", "2026-11-02 09:15:00",
     "2026-11-02 17:00:00", "", "2026-11-02 17:00:00", "2026-11-02 09:45:00", "0.5", "Within SLA", "Within SLA",
     "", "App", "Jane Doe", "jane@example.com", "Doxxing", "BR"],
    ["1002", "help", "Open", "Urgent", "Feedback Widget", "Incident", "Rui", "T&S Tier 1", "2026-11-02 10:00:00",
     "", "", "2026-11-02 11:30:00", "2026-11-02 11:30:00", "1.5", "", "SLA Violated", "vip", "App",
     "John Roe", "john@example.com", "Hate speech", "IN"],
    ["1003", "help", "Closed", "Low", "Portal", "Question", "Ana", "T&S Tier 2", "2026-11-03 11:30:00",
     "2026-11-04 08:00:00", "2026-11-05 08:00:00", "2026-11-05 08:00:00", "2026-11-03 12:00:00", "0.5",
     "SLA Violated", "Within SLA", "", "App", "Mary Poe", "mary@example.com", "Spam", "US"],
]


def sample_of(header: list[str], rows: list[list[str]]) -> Sample:
    return Sample(header, rows, CsvDialect("utf-8", ","))


@pytest.mark.parametrize("name, values, expected", [
    ("first_response_at", ["Within SLA", "SLA Violated"], MISFITS),
    ("first_response_at", ["2026-11-02 09:45:00", "2026-11-02T10:00:00Z", "1764669600"], FITS),
    ("created_at", ["2026-11-02 09:15:00"] * 9 + ["soon"], FITS),          # 90% read: a bad cell is a reject
    ("created_at", ["2026-11-02 09:15:00"] * 7 + ["soon"] * 3, MISFITS),
    ("created_at", ["2026-11-02 09:05:00 UTC", "2026-11-02 09:05:00 GMT"], FITS),
    ("created_at", ["02-Nov-2026 9h05", "03-Nov-2026 10h00"], UNSURE),     # a date no known format reads
    ("created_at", ["-", "N/A"], UNSURE),                                  # only "no value" markers
    ("created_at", [], UNSURE),
    ("resolution_minutes", ["12", "7.5", "1,5", "-"], FITS),
    ("resolution_minutes", ["00:10", "01:20:30"], FITS),                   # clock durations: read as h:mm(:ss)
    ("resolution_minutes", ["Within SLA", "Breached"], MISFITS),
    ("first_response_business_minutes", ["00:10", "01:20"], MISFITS),      # (only calendar durations read clocks)
    ("reopen_count", ["none yet", "2"], MISFITS),
    ("abuse_category", ["Doxxing", "Spam", "Hate speech"], FITS),
    ("abuse_category", ["App", "App"], UNSURE),                            # a custom taxonomy may say anything
    ("status", ["Within SLA", "SLA Violated"], UNSURE),
    ("status", ["open", "closed", "snoozed"], FITS),
    ("channel", ["Email", "Portal", "Feedback Widget"], FITS),
    ("region", ["BR"], UNSURE),
    ("agent", ["00:12:31", "01:02:00"], MISFITS),                          # HubSpot's "Time to first agent reply"
    ("agent", ["2026-11-02 09:15", "2026-11-03 10:00"], MISFITS),
    ("agent", ["1502", "1733"], UNSURE),                                   # agent ids are numbers
    ("agent", ["361234567890", "361234567891"], UNSURE),                   # even those that look like Unix ms
])
def test_a_columns_values_say_whether_it_can_hold_the_field(name, values, expected):
    assert fit(name, values, TAXONOMY) == expected


def test_columns_are_chosen_by_their_values_not_only_their_names():
    guessed = guess_columns(FRESHDESK, sample_of(FRESHDESK, ROWS), TAXONOMY)
    assert {k: guessed.get(k) for k in ("created_at", "updated_at", "first_response_at", "resolved_at",
                                         "abuse_category", "channel", "status", "region")} == {
        "created_at": "Created time", "updated_at": "Last update time", "first_response_at": "Initial response time",
        "resolved_at": "Resolved time", "abuse_category": "Abuse Type", "channel": "Source", "status": "Status",
        "region": "Country"}
    # hours are never minutes, and nothing else is left for a first-response field
    assert "first_response_minutes" not in guessed


INTERCOM = ["Conversation ID", "Created at", "Updated at", "First response at", "Closed at", "State",
            "Source type", "Team assigned", "User email", "User name", "Conversation rating", "Abuse reason",
            "User location country"]
INTERCOM_ROWS = [
    ["215", "2026-11-02 09:05:00 UTC", "2026-11-02 12:05:00 UTC", "2026-11-02 09:35:00 UTC",
     "2026-11-02 12:05:00 UTC", "closed", "email", "Safety EN", "a@example.com", "A", "5", "Scam", "Brazil"],
    ["216", "2026-11-02 10:00:00 UTC", "2026-11-02 10:20:00 UTC", "2026-11-02 10:20:00 UTC", "", "snoozed",
     "conversation", "Safety ES", "b@example.com", "B", "", "Harassment", "India"],
]


def test_a_state_column_of_statuses_is_the_status_and_the_country_the_region():
    # "State" names a region in a US complaints file; here its values are statuses
    guessed = guess_columns(INTERCOM, sample_of(INTERCOM, INTERCOM_ROWS), TAXONOMY)
    assert {k: guessed.get(k) for k in ("ticket_id", "created_at", "resolved_at", "status", "region", "csat")} == {
        "ticket_id": "Conversation ID", "created_at": "Created at", "resolved_at": "Closed at", "status": "State",
        "region": "User location country", "csat": "Conversation rating"}
    complaints = ["Complaint ID", "Date received", "State", "Company response to consumer"]
    rows = [["1", "2026-11-02", "CA", "Closed with explanation"], ["2", "2026-11-03", "TX", "In progress"]]
    guessed = guess_columns(complaints, sample_of(complaints, rows), TAXONOMY)
    assert (guessed["status"], guessed["region"]) == ("Company response to consumer", "State")


def test_an_intercom_export_with_utc_suffixed_dates_loads_through_its_draft(tmp_path, config_file, capsys):
    export = write_export(tmp_path / "intercom.csv", INTERCOM, INTERCOM_ROWS)
    draft = drafted(config_file, capsys, export, "intercom")
    assert 'timestamps = "offset"' in draft and '"snoozed" = "on_hold"' in draft and '"Scam" = "spam"' in draft
    todo = '# "conversation" = ""   # TODO 1 rows: choose one of the allowed values'
    stored = loaded(config_file, capsys, export, draft.replace(todo, '"conversation" = "chat"'),
                    "SELECT ticket_id, status, channel, abuse_category, csat, "
                    "datediff('minute', created_at, first_response_at), strftime(resolved_at, '%H:%M') "
                    "FROM tickets ORDER BY ticket_id")
    assert stored == [("215", "closed", "email", "spam", 5, 30, "12:05"),
                      ("216", "on_hold", "chat", "harassment", None, 20, None)]


def test_a_name_field_is_never_put_on_a_column_of_durations():
    header = ["Ticket ID", "Create date", "Ticket status", "Time to first agent reply (HH:mm:ss)", "Ticket owner",
              "Close date"]
    rows = [["1", "2026-11-02 09:15", "Closed", "00:12:31", "Ana", "2026-11-02 12:15"]]
    guessed = guess_columns(header, sample_of(header, rows), TAXONOMY)
    assert (guessed["agent"], guessed["resolved_at"]) == ("Ticket owner", "Close date")


def test_a_date_field_is_left_out_rather_than_put_on_a_column_that_holds_no_dates():
    header = ["Ticket ID", "Created time", "Status", "First response status"]
    rows = [["1", "2026-11-02 09:15:00", "Open", "Within SLA"], ["2", "2026-11-02 10:15:00", "Open", "SLA Violated"]]
    assert "first_response_at" in guess_columns(header)                     # by its name alone
    assert "first_response_at" not in guess_columns(header, sample_of(header, rows), TAXONOMY)


def test_a_freshdesk_export_loads_through_its_draft_with_only_the_todo_lines_edited(tmp_path, config_file, capsys):
    export = write_export(tmp_path / "freshdesk.csv", FRESHDESK, ROWS)
    draft = drafted(config_file, capsys, export, "freshdesk")
    assert 'first_response_at = "Initial response time"' in draft and 'abuse_category = "Abuse Type"' in draft
    todo = '# "Feedback Widget" = ""   # TODO 1 rows: choose one of the allowed values'
    assert todo in draft
    stored = loaded(config_file, capsys, export, draft.replace(todo, '"Feedback Widget" = "web"'),
                    "SELECT ticket_id, status, channel, abuse_category, region, "
                    "datediff('minute', created_at, first_response_at), strftime(updated_at, '%d %H:%M'), "
                    "strftime(resolved_at, '%d %H:%M'), (SELECT count(*) FROM rejected_rows) "
                    "FROM tickets ORDER BY ticket_id", "--timezone", "UTC")
    assert stored == [("1001", "solved", "email", "private_information", "BR", 30, "02 17:00", "02 17:00", 0),
                      ("1002", "open", "web", "hateful_conduct", "IN", 90, "02 11:30", None, 0),
                      ("1003", "closed", "web", "spam", "US", 30, "05 08:00", "04 08:00", 0)]


def test_the_draft_reads_the_header_after_excels_sep_line(tmp_path, config_file, capsys):
    export = tmp_path / "freshdesk.csv"
    export.write_text("sep=,\n" + write_export(tmp_path / "plain.csv", FRESHDESK, ROWS).read_text(encoding="utf-8"),
                      encoding="utf-8")
    draft = drafted(config_file, capsys, export, "freshdesk")
    assert "delimiter comma (from its sep= line)" in draft and 'ticket_id = "Ticket ID"' in draft


def test_first_response_hours_fill_first_response_at_and_bad_ones_are_rejected(tmp_path, config_file, capsys):
    # Freshdesk's "First response time (in hrs)", Zendesk Explore's "First reply time (hrs)"
    export = write_export(tmp_path / "hours.csv", ["id", "created", "state", "First response time (in hrs)"], [
        ["1", "2026-11-02T09:00:00Z", "open", "1.5"], ["2", "2026-11-02T09:00:00Z", "open", "soon"],
        ["3", "2026-11-02T09:00:00Z", "open", "-2"], ["4", "2026-11-02T09:00:00Z", "open", ""]])
    mapping = ('[source]\nname = "hours"\nformat = "csv"\ntimestamps = "offset"\n[fields]\nticket_id = "id"\n'
               'created_at = "created"\nstatus = "state"\nfirst_response_hours = "First response time (in hrs)"\n')
    rows = loaded(config_file, capsys, export, mapping,
                  "SELECT ticket_id, CAST(datediff('minute', created_at, first_response_at) AS VARCHAR) FROM tickets "
                  "UNION ALL SELECT reason, bad_value FROM rejected_rows ORDER BY ALL")
    assert rows == [("1", "90"), ("4", None), ("first response before created", "-2"),
                    ("unparseable first response hours", "soon")]


@pytest.mark.parametrize("content, message", [
    (b"", "the file is empty (no header line)"),
    (bytes(range(256)) * 20, "not readable as CSV"),                        # a binary file named .csv
    (",".join(f"c{i}" for i in range(2001)).encode() + b"\n", "2,001 columns in the header"),
])
def test_a_file_that_is_no_export_gets_a_message_not_a_traceback(tmp_path, config_file, capsys, content, message):
    path = tmp_path / "x.csv"
    path.write_bytes(content)
    assert main(["--config", str(config_file), "mapping", "draft", str(path)]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
