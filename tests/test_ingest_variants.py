"""Exports as accounts really write them: any subset of columns that still identifies and dates a
ticket loads, the fields it lacks are named, and a solved ticket with no date for it is not open
forever (backlog at as_of = tickets whose status is open, over random mappings)."""
from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.warehouse import DESK_MINUTES_FIELDS, connect_memory, writing
from metrics.query import MetricQuery, run_query
from pipelines.canonical_fields import EXTRA_FIELDS, missing_field_note
from pipelines.sources import UnknownSource
from tests.ingest_fixtures import (CANONICAL_COLUMNS, ZENDESK_COLUMNS, canonical_row, load, one, write_csv,
                                   zendesk_row)


def notes_of(con, load_run_id):
    return {r[0]: r[1] for r in con.execute(
        "SELECT note, n_rows FROM load_notes WHERE load_run_id = ?", [load_run_id]).fetchall()}


# ---------------------------------------------------------------- column subsets

def test_canonical_file_without_reporter_hash_loads_and_names_it(tmp_path, memory_con, config):
    columns = [c for c in CANONICAL_COLUMNS if c != "reporter_hash"]
    path = write_csv(tmp_path / "c.csv", columns, [canonical_row(ticket_id="C1"), canonical_row(ticket_id="C2")])
    result = load(memory_con, path, config)
    assert (result.source, result.rows_loaded, result.rows_rejected) == ("canonical", 2, 0)
    assert result.missing_fields == ["reporter_hash"]
    assert notes_of(memory_con, result.load_run_id) == {missing_field_note("reporter_hash"): 2}
    assert one(memory_con, "SELECT count(*) FROM tickets WHERE reporter_hash IS NULL") == (2,)


ZENDESK_SUBSETS = {
    "identifying columns only": ["Id", "Created at", "Status"],
    "business-hours reply only": ["Id", "Created at", "Updated at", "Status", "Priority", "Via",
                                  "First reply time in minutes within business hours", "Solved at"],
    "no Via, no Updated at": ["Id", "Status", "Created at", "Solved at", "First reply time in minutes"],
}


@pytest.mark.parametrize("columns", ZENDESK_SUBSETS.values(), ids=ZENDESK_SUBSETS.keys())
def test_zendesk_export_with_any_subset_of_columns_is_detected_and_loads(tmp_path, memory_con, config, columns):
    rows = [zendesk_row(Id="1"), zendesk_row(Id="2", Status="Solved", **{"Solved at": "2026-03-02 12:00:00"})]
    path = write_csv(tmp_path / "z.csv", columns, rows)
    result = load(memory_con, path, config, timezone_name="UTC")
    assert (result.source, result.rows_loaded, result.rows_rejected) == ("zendesk", 2, 0)
    has_reply = "First reply time in minutes" in columns
    assert ("first_response_at" in result.missing_fields) is not has_reply
    if not has_reply:
        assert notes_of(memory_con, result.load_run_id)[
            "first response: not in this export, FRT metrics will be empty for these tickets"] == 2
    # whatever was left out, the solved ticket is resolved and the open one is not
    assert memory_con.execute("SELECT ticket_id, resolved_at IS NOT NULL FROM tickets ORDER BY 1").fetchall() == [
        ("1", False), ("2", True)]


def test_a_header_without_status_is_refused_naming_it(tmp_path, memory_con, config):
    path = write_csv(tmp_path / "z.csv", ["Id", "Created at", "Via"], [zendesk_row()])
    with pytest.raises(UnknownSource, match=r"not a zendesk export .*'Status'"):
        load(memory_con, path, config, source="zendesk", timezone_name="UTC")


def test_a_canonical_load_writes_no_desk_minutes(tmp_path, memory_con, config):
    path = write_csv(tmp_path / "c.csv", CANONICAL_COLUMNS, [canonical_row()])
    load(memory_con, path, config)
    assert one(memory_con, "SELECT desk_minutes FROM tickets") == (None,)


def test_zendesk_full_export_fills_every_field(tmp_path, memory_con, config):
    path = write_csv(tmp_path / "z.csv", ZENDESK_COLUMNS, [zendesk_row()])
    result = load(memory_con, path, config, timezone_name="UTC")
    # the admin export has no agent id column besides Assignee (hashed into agent_id) and no csat here
    assert "first_response_at" not in result.missing_fields
    assert "priority" not in result.missing_fields


def write_mapping(path, fields: dict[str, str], status_values: dict[str, str] | None = None,
                  formats=("%Y-%m-%d %H:%M", "%Y-%m-%d")) -> None:
    lines = ['[source]', 'name = "ours"', 'timestamps = "utc"',
             'timestamp_formats = [' + ", ".join(f'"{f}"' for f in formats) + ']', '[fields]']
    lines += [f'{name} = "{column}"' for name, column in fields.items()]
    if status_values:
        lines.append("[values.status]")
        lines += [f'"{raw}" = "{value}"' for raw, value in status_values.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


COMPLAINT_STATUS = {"In progress": "open", "Closed with explanation": "closed", "Closed": "closed",
                    "Untimely response": "solved"}


def test_mapping_without_priority_or_updated_at_says_not_in_this_export(tmp_path, memory_con, config):
    mapping = tmp_path / "m.toml"
    write_mapping(mapping, {"ticket_id": "Complaint ID", "created_at": "Date received",
                            "status": "Company response"}, COMPLAINT_STATUS)
    path = write_csv(tmp_path / "c.csv", ["Complaint ID", "Date received", "Company response"], [
        ["1", "2026-03-01", "In progress"], ["2", "2026-03-01", "Closed with explanation"],
        ["3", "2026-03-02", "Closed"]])
    result = load(memory_con, path, config, mapping_path=str(mapping))
    notes = [n for n, *_ in result.notes]
    assert not any("blank priority" in n for n in notes)
    assert {"priority", "updated_at", "resolved_at", "first_response_at"} <= set(result.missing_fields)
    assert notes_of(memory_con, result.load_run_id)[missing_field_note("priority")] == 3
    # the two closed complaints are resolved at their latest known time: the day they were received
    assert memory_con.execute("SELECT ticket_id, CAST(resolved_at AS VARCHAR) FROM tickets ORDER BY 1").fetchall() == [
        ("1", None), ("2", "2026-03-01 00:00:00+00"), ("3", "2026-03-02 00:00:00+00")]
    assert "solved or closed without a resolution date: resolved at its latest known time" in notes


# ---------------------------------------------------------------- the backlog invariant

OPTIONAL = ("updated_at", "resolved_at", "first_response_at", "priority")
RAW_STATUS = {"New": "new", "Working": "open", "Waiting": "pending", "Parked": "on_hold", "Done": "solved",
              "Archived": "closed"}
BASE = dt.datetime(2026, 3, 1)


@st.composite
def exports(draw):
    """A mapping over a random subset of optional fields, a header holding a random subset of the
    mapped columns, and rows with random statuses and dates (blank or filled)."""
    mapped = draw(st.lists(st.sampled_from(OPTIONAL), unique=True))
    in_file = [f for f in mapped if draw(st.booleans())]
    date_only = draw(st.booleans())
    fmt = "%Y-%m-%d" if date_only else "%Y-%m-%d %H:%M"
    n = draw(st.integers(1, 12))
    rows = []
    for i in range(n):
        created = BASE + dt.timedelta(hours=draw(st.integers(0, 24 * 20)))
        row = {"id": f"T{i}", "opened": created.strftime(fmt), "state": draw(st.sampled_from(sorted(RAW_STATUS)))}
        for f in in_file:
            if f == "priority":
                row[f] = draw(st.sampled_from(["", "high", "low"]))
            else:
                later = created + dt.timedelta(hours=draw(st.integers(0, 24 * 5)))
                row[f] = draw(st.sampled_from(["", later.strftime(fmt)]))
        rows.append(row)
    return mapped, in_file, rows


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(exports())
def test_backlog_at_as_of_is_the_tickets_with_an_open_status(tmp_path_factory, config, export):
    mapped, in_file, rows = export
    folder = tmp_path_factory.mktemp("backlog")
    fields = {"ticket_id": "id", "created_at": "opened", "status": "state"} | {f: f for f in mapped}
    write_mapping(folder / "m.toml", fields, RAW_STATUS)
    buf = io.StringIO()
    writer = csv.DictWriter(buf, ["id", "opened", "state", *in_file], lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    (folder / "t.csv").write_text(buf.getvalue(), encoding="utf-8")
    con = connect_memory()
    result = load(con, folder / "t.csv", config, mapping_path=str(folder / "m.toml"))
    assert result.rows_loaded + result.rows_rejected == len(rows)
    n_open, n_unresolved, as_of = con.execute(
        "SELECT count(*) FILTER (WHERE status NOT IN ('solved', 'closed')), count(*) FILTER (WHERE resolved_at IS NULL), "
        "greatest(max(created_at), max(updated_at), max(first_response_at), max(resolved_at)) FROM tickets").fetchall()[0]
    assert n_unresolved == n_open
    if as_of is None:
        return
    day = as_of.date()
    backlog = run_query(con, MetricQuery("backlog", date_from=day, date_to=day), config)
    assert backlog["value"].tolist() == [float(n_open)]


# ---------------------------------------------------------------- shown on the Data health page

def test_data_health_shows_the_blank_fields_of_each_sources_latest_load(tmp_path, config):
    from dashboards.app import create_app
    from dashboards.callbacks.panels import render_block
    from dashboards.state import current_state
    from metrics.load_health import latest_load_notes
    from safetyops.cli import main
    from tests.dashboard_fixtures import config_for
    from tests.test_dashboard_escaping import texts

    cfg = config_for(tmp_path)
    full = write_csv(tmp_path / "full.csv", CANONICAL_COLUMNS, [canonical_row(ticket_id="A")])
    slim = write_csv(tmp_path / "slim.csv", ["ticket_id", "created_at", "status"],
                     [["B", "2026-03-02T10:00:00Z", "open"], ["C", "2026-03-02T11:00:00Z", "open"]])
    for path in (full, slim):
        assert main(["--config", str(cfg.path), "--quiet", "ingest", str(path)]) == 0
    from core.warehouse import connect_read
    con = connect_read(cfg.db_path)
    notes = latest_load_notes(con)
    con.close()
    assert set(notes["file_name"]) == {"slim.csv"}           # the latest canonical load only
    frt = notes[notes["note"] == missing_field_note("first_response_at")]
    assert frt["n_rows"].tolist() == [2]
    app = create_app(cfg)
    with app.server.app_context():
        shown = texts(render_block(current_state(), "health-load-notes", {"search": ""}, "light"))
    assert missing_field_note("priority") in shown and "slim.csv" in shown


# ---------------------------------------------------------------- Zendesk as accounts export it

def test_business_hours_minutes_are_kept_apart_from_calendar_ones(tmp_path, memory_con, config):
    rows = [zendesk_row(Id="1", Status="Solved", **{
        "Created at": "2026-03-06 17:00:00", "Updated at": "2026-03-09 10:00:00", "Solved at": "",
        "First reply time in minutes": "3960", "First reply time in minutes within business hours": "60",
        "Full resolution time in minutes": "3960", "Full resolution time in minutes within business hours": "60",
        "Requester wait time in minutes": "3900", "Requester wait time in minutes within business hours": "30",
        "Agent wait time in minutes": "60", "Agent wait time in minutes within business hours": "0"})]
    path = write_csv(tmp_path / "z.csv", ZENDESK_COLUMNS, rows)
    load(memory_con, path, config, timezone_name="UTC")
    got = one(memory_con, """SELECT CAST(first_response_at AS VARCHAR), CAST(resolved_at AS VARCHAR),
        first_response_business_minutes,
        resolution_business_minutes,
        requester_wait_minutes,
        requester_wait_business_minutes,
        agent_wait_minutes,
        agent_wait_business_minutes FROM tickets JOIN ticket_desk_minutes USING (source, ticket_id)""")
    # calendar minutes over the weekend give the calendar times; business minutes stay their own figures
    assert got == ("2026-03-09 11:00:00+00", "2026-03-09 11:00:00+00", 60.0, 60.0, 3900.0, 30.0, 60.0, 0.0)


def test_the_summary_names_a_missing_field_once(tmp_path, memory_con, config):
    """A field the export lacks altogether has its one line; it is not also a per-row note (the
    category) nor a list of its mapped columns. A column missing beside another of its field's
    columns is still listed (Zendesk's reporter: requester id present, e-mail not)."""
    from safetyops.commands.ingest import format_summary
    columns = ["Id", "Created at", "Updated at", "Status", "Priority", "Via", "Requester id"]
    path = write_csv(tmp_path / "z.csv", columns, [zendesk_row(Id="1"), zendesk_row(Id="2")])
    result = load(memory_con, path, config, timezone_name="UTC")
    summary = format_summary(result)
    assert summary.count(missing_field_note("abuse_category")) == 1
    assert "not in taxonomy" not in summary
    assert "Abuse category [list]" not in summary and "Solved at" not in summary
    assert result.absent_columns == ["Requester email"]


def test_an_export_with_only_business_hours_reply_times_leaves_frt_blank(tmp_path, memory_con, config):
    columns = ["Id", "Created at", "Updated at", "Status", "Via", "First reply time in minutes within business hours"]
    path = write_csv(tmp_path / "z.csv", columns, [
        zendesk_row(Id="1", **{"First reply time in minutes within business hours": "45"})])
    result = load(memory_con, path, config, timezone_name="UTC")
    assert "first_response_at" in result.missing_fields
    frt, figures = one(memory_con, "SELECT first_response_at, desk_minutes FROM tickets")
    assert frt is None
    assert figures == [45.0 if name == "first_response_business_minutes" else None for name in EXTRA_FIELDS]


ZENDESK_VIA = [("Mail", "email"), ("Email", "email"), ("Web form", "web"), ("Web Widget", "web"), ("API", "api"),
               ("Web service", "api"), ("Chat", "chat"), ("Native messaging", "chat"), ("WhatsApp", "chat"),
               ("Closed ticket", "other"), ("Facebook Post", "other"), ("Facebook Message", "chat"),
               ("Twitter", "other"), ("Twitter DM", "chat"), ("Mobile SDK", "app"), ("Mobile", "app"),
               ("Voice", "phone"), ("Phone call (incoming)", "phone"), ("Voicemail", "phone"), ("Text", "phone"),
               ("Ticket sharing", "other"), ("Help Center", "web")]


def test_zendesk_via_values_map_to_channels_without_notes(tmp_path, memory_con, config):
    rows = [zendesk_row(Id=str(i), Via=via) for i, (via, _) in enumerate(ZENDESK_VIA)]
    path = write_csv(tmp_path / "z.csv", ZENDESK_COLUMNS, rows)
    result = load(memory_con, path, config, timezone_name="UTC")
    assert not [n for n in result.notes if n[0].startswith("channel not mapped")]
    got = dict(memory_con.execute("SELECT CAST(ticket_id AS INTEGER), channel FROM tickets").fetchall())
    assert [got[i] for i in range(len(ZENDESK_VIA))] == [channel for _, channel in ZENDESK_VIA]


def test_zendesk_custom_field_is_found_by_its_title(tmp_path, memory_con, config):
    columns = ["Id", "Created at", "Status", "Abuse category", "Region"]     # titles without " [list]"
    path = write_csv(tmp_path / "z.csv", columns, [zendesk_row(**{"Abuse category [list]": "Harassment"})
                                                    | {"Abuse category": "Harassment", "Region": "BR"}])
    result = load(memory_con, path, config, timezone_name="UTC")
    # the built-in mapping names "Abuse category [list]" and "Region [list]"
    assert one(memory_con, "SELECT abuse_category, region FROM tickets") == ("harassment", "BR")
    assert "abuse_category" not in result.missing_fields


# ---------------------------------------------------------------- Salesforce and Jira

SALESFORCE_REPORT_COLUMNS = ["Case Number", "Subject", "Status", "Priority", "Case Origin", "Date/Time Opened",
                             "Date/Time Closed", "Case Owner", "Escalated"]


def test_salesforce_case_report_exported_from_the_ui(tmp_path, memory_con, config):
    rows = [["00001026", "Spam wave", "Closed", "High", "Web", "3/2/2026 9:05 AM", "3/2/2026 4:30 PM", "Ana Souza", "0"],
            ["00001027", "Threat", "Working", "Critical", "Email", "3/3/2026 11:15 PM", "", "Ben Ode", "1"]]
    path = write_csv(tmp_path / "report.csv", SALESFORCE_REPORT_COLUMNS, rows)
    result = load(memory_con, path, config, timezone_name="America/Sao_Paulo")
    assert (result.source, result.rows_loaded, result.rows_rejected) == ("salesforce_report", 2, 0)
    assert memory_con.execute("""SELECT ticket_id, CAST(created_at AS VARCHAR), CAST(resolved_at AS VARCHAR), status,
        priority, channel, escalated FROM tickets ORDER BY 1""").fetchall() == [
        ("00001026", "2026-03-02 12:05:00+00", "2026-03-02 19:30:00+00", "closed", "high", "web", False),
        ("00001027", "2026-03-04 02:15:00+00", None, "open", "urgent", "email", True)]
    assert "updated_at" in result.missing_fields


def test_salesforce_data_loader_extract_with_only_the_identifying_fields(tmp_path, memory_con, config):
    path = write_csv(tmp_path / "extract.csv", ["Id", "CreatedDate", "Status", "Origin"],
                     [["5003000000D8cuI", "2026-03-02T10:00:00.000Z", "New", "Phone"]], quote_all=True, bom=True)
    result = load(memory_con, path, config)
    assert (result.source, result.rows_loaded) == ("salesforce", 1)
    assert one(memory_con, "SELECT status, channel FROM tickets") == ("new", "phone")


def test_jira_export_with_only_key_created_and_status(tmp_path, memory_con, config):
    path = write_csv(tmp_path / "jira.csv", ["Issue key", "Summary", "Status", "Created"],
                     [["SAFE-1", "x", "Waiting for support", "02/Mar/26 9:41 AM"]])
    result = load(memory_con, path, config, timezone_name="UTC")
    assert (result.source, result.rows_loaded) == ("jira", 1)
    assert one(memory_con, "SELECT ticket_id, status, CAST(created_at AS VARCHAR) FROM tickets") == (
        "SAFE-1", "open", "2026-03-02 09:41:00+00")


def test_desk_minutes_holds_exactly_the_extra_fields_a_mapping_can_name(memory_con):
    assert tuple(EXTRA_FIELDS) == DESK_MINUTES_FIELDS
    named = [r[0] for r in memory_con.execute("DESCRIBE ticket_desk_minutes").fetchall()]
    assert named == ["source", "ticket_id", *EXTRA_FIELDS]


@pytest.mark.parametrize("old_type, old_value", [
    ("JSON", """'{"first_response_business_minutes":45.0,"agent_wait_minutes":7}'"""),
    ("STRUCT(" + ", ".join(f"{n} DOUBLE" for n in DESK_MINUTES_FIELDS) + ")",
     "{" + ", ".join(f"'{n}': " + ("45.0" if n == "first_response_business_minutes" else "7" if n == "agent_wait_minutes"
                                   else "NULL") for n in DESK_MINUTES_FIELDS) + "}"),
])
def test_a_warehouse_holding_desk_minutes_in_an_older_type_is_converted_with_its_figures(tmp_path, config,
                                                                                        old_type, old_value):
    """Warehouses written on 2026-12-06 hold desk_minutes as a JSON object (or a STRUCT); the next
    writer turns it into the list, figures kept, and loads into it."""
    db = tmp_path / "wh.duckdb"
    with writing(db) as con:
        load(con, write_csv(tmp_path / "a.csv", ZENDESK_COLUMNS, [zendesk_row(Id="1")]), config, timezone_name="UTC")
        con.execute("DROP VIEW ticket_desk_minutes")
        con.execute("ALTER TABLE tickets DROP COLUMN desk_minutes")
        con.execute(f"ALTER TABLE tickets ADD COLUMN desk_minutes {old_type}")
        con.execute(f"UPDATE tickets SET desk_minutes = {old_value}")
    with writing(db) as con:
        load(con, write_csv(tmp_path / "b.csv", ZENDESK_COLUMNS, [zendesk_row(Id="2", **{
            "First reply time in minutes within business hours": "12"})]), config, timezone_name="UTC")
        got = con.execute("SELECT ticket_id, first_response_business_minutes, agent_wait_minutes, "
                          "resolution_business_minutes FROM ticket_desk_minutes ORDER BY 1").fetchall()
    assert got[0] == ("1", 45.0, 7.0, None)
    assert got[1][:2] == ("2", 12.0)
