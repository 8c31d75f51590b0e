"""`mapping draft` on a report export (Zendesk Explore, and any report tool that names its columns
"First reply time (min)" or "Ticket solved - Timestamp"): units in parentheses, "solved" dates, "-" for
no value, and trust & safety words for the taxonomy's categories. Such a file loads through the
unedited draft."""
from __future__ import annotations

import pytest

from pipelines.mapping_draft import guess_columns
from pipelines.value_guesses import guess_value
from tests.mapping_fixtures import drafted, loaded, write_export

TAXONOMY = ("hateful_conduct", "violent_threats", "harassment", "child_safety", "private_information",
            "sensitive_media", "self_harm", "impersonation", "spam", "violent_extremism", "other")
EXPLORE = ["Ticket ID", "Ticket created - Timestamp", "Ticket status", "Ticket channel", "Ticket priority",
           "Ticket group", "Ticket solved - Timestamp", "First reply time (min)", "Full resolution time (min)",
           "First reply time - Business hours (min)", "Requester wait time (min)", "Abuse type"]


@pytest.mark.parametrize("header, expected, absent", [
    (EXPLORE, {"ticket_id": "Ticket ID", "created_at": "Ticket created - Timestamp",
               "resolved_at": "Ticket solved - Timestamp", "first_response_minutes": "First reply time (min)",
               "resolution_minutes": "Full resolution time (min)", "queue": "Ticket group",
               "first_response_business_minutes": "First reply time - Business hours (min)",
               "requester_wait_minutes": "Requester wait time (min)", "abuse_category": "Abuse type"},
     ("first_response_at",)),
    # hours are never read as minutes, and a duration never as a date
    (["Ticket ID", "Ticket created - Date", "Ticket status", "Full resolution time (hrs)", "First reply time (hrs)"],
     {"resolution_hours": "Full resolution time (hrs)", "first_response_hours": "First reply time (hrs)"},
     ("resolution_minutes", "first_response_minutes", "first_response_at")),
    (["id", "created", "status", "Resolution time (mins)"], {"resolution_minutes": "Resolution time (mins)"},
     ("resolution_hours", "resolved_at")),
])
def test_report_columns_fill_the_fields_their_names_and_units_say(header, expected, absent):
    guessed = guess_columns(header)
    assert {k: guessed.get(k) for k in expected} == expected
    assert not any(name in guessed for name in absent), guessed


@pytest.mark.parametrize("name, raw, guess", [
    ("priority", "-", "normal"), ("priority", "N/A", "normal"), ("channel", "None", "other"),
    ("abuse_category", "-", "other"), ("csat", "-", ""), ("status", "-", None),       # a status is the user's call
    ("abuse_category", "Doxxing", "private_information"), ("abuse_category", "Hate speech", "hateful_conduct"),
    ("abuse_category", "CSAM report", "child_safety"), ("abuse_category", "Terrorism / extremism", "violent_extremism"),
    ("abuse_category", "Threat of violence", "violent_threats"), ("abuse_category", "Fake account", "impersonation"),
    ("abuse_category", "Suicide or self-harm", "self_harm"), ("abuse_category", "Phishing", "spam"),
    ("abuse_category", "Whatever else", None),                      # "hate" only at the start of a word
    ("abuse_category", "Billing question", None),
    ("channel", "Twitter", "other"), ("channel", "Twitter DM", "chat"), ("channel", "Instagram Direct", "chat"),
    ("channel", "WhatsApp", "chat"), ("channel", "Facebook Messenger", "chat"), ("channel", "SMS", "phone"),
])
def test_value_guesses(name, raw, guess):
    assert guess_value(name, raw, TAXONOMY) == guess


def test_an_explore_export_loads_through_its_unedited_draft(tmp_path, config_file, capsys):
    rows = [["401", "2026-11-02 09:15:00", "Solved", "Twitter", "-", "Safety EN", "2026-11-02 17:00:00", "30", "465",
             "30", "40", "Doxxing"],
            ["402", "2026-11-02 10:00:00", "Open", "Web form", "High", "Safety PT", "", "90", "", "60", "90",
             "Hate speech"],
            ["403", "2026-11-03 11:30:00", "New", "Email", "-", "Safety EN", "", "", "", "", "", "Spam"]]
    export = write_export(tmp_path / "explore.csv", EXPLORE, rows)
    draft = drafted(config_file, capsys, export, "explore")
    assert '"-" = "normal"' in draft and '"Doxxing" = "private_information"' in draft
    stored = loaded(config_file, capsys, export, draft,
                    "SELECT ticket_id, status, priority, channel, abuse_category, "
                    "datediff('minute', created_at, first_response_at), strftime(resolved_at, '%H:%M') "
                    "FROM tickets ORDER BY ticket_id", "--timezone", "UTC")
    assert stored == [("401", "solved", "normal", "other", "private_information", 30, "17:00"),
                      ("402", "open", "high", "web", "hateful_conduct", 90, None),
                      ("403", "new", "normal", "email", "spam", None, None)]
