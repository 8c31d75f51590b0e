"""Every rejection rule, and what is kept but noted, on the canonical CSV format."""
from __future__ import annotations

import json

import pytest

from tests.ingest_fixtures import CANONICAL_COLUMNS, canonical_row, load, one, write_csv

# (case, row overrides, reason, column, bad value)
REJECTIONS = [
    ("missing id", {"ticket_id": ""}, "missing ticket id", "ticket_id", None),
    ("empty row", {c: "" for c in CANONICAL_COLUMNS}, "empty row", "ticket_id", None),    # a spreadsheet's ",,,,"
    ("blank cells", {c: "  " for c in CANONICAL_COLUMNS}, "empty row", "ticket_id", None),
    ("missing created", {"created_at": ""}, "missing created_at", "created_at", None),
    ("placeholder created", {"created_at": "1900-01-01T00:00:00Z"}, "missing created_at", "created_at",
     "1900-01-01T00:00:00Z"),
    ("garbage created", {"created_at": "yesterday"}, "unparseable created_at", "created_at", "yesterday"),
    ("created without offset", {"created_at": "2026-03-02 10:00:00"}, "unparseable created_at", "created_at",
     "2026-03-02 10:00:00"),
    ("garbage updated", {"updated_at": "soon"}, "unparseable updated_at", "updated_at", "soon"),
    ("garbage resolved", {"status": "solved", "resolved_at": "31/02/2026"}, "unparseable resolved_at",
     "resolved_at", "31/02/2026"),
    ("resolved before created", {"status": "solved", "resolved_at": "2026-03-01T10:00:00Z"},
     "resolved before created", "resolved_at", "2026-03-01T10:00:00Z"),
    ("first response before created", {"first_response_at": "2026-03-02T09:59:59Z"},
     "first response before created", "first_response_at", "2026-03-02T09:59:59Z"),
    ("updated before created", {"updated_at": "2026-03-01T00:00:00Z"}, "updated before created",
     "updated_at", "2026-03-01T00:00:00Z"),
    ("missing status", {"status": ""}, "missing status", "status", None),
    ("unknown status", {"status": "archived"}, "unknown status", "status", "archived"),
    ("unknown priority", {"priority": "p0"}, "unknown priority", "priority", "p0"),
    ("bad boolean", {"escalated": "maybe"}, "invalid escalated flag", "escalated", "maybe"),
    ("bad high profile", {"high_profile": "2"}, "invalid high_profile flag", "high_profile", "2"),
    ("text reopen count", {"reopen_count": "two"}, "invalid reopen count", "reopen_count", "two"),
    ("negative reopen count", {"reopen_count": "-1"}, "negative reopen count", "reopen_count", "-1"),
    ("qa not a number", {"qa_score": "great"}, "invalid qa_score", "qa_score", "great"),
    ("qa above 100", {"qa_score": "101"}, "qa_score out of range 0-100", "qa_score", "101"),
    ("csat not a number", {"csat": "happy"}, "invalid csat", "csat", "happy"),
    ("csat zero", {"csat": "0"}, "csat out of range 1-5", "csat", "0"),
]


@pytest.mark.parametrize("case, overrides, reason, column, value", REJECTIONS, ids=[r[0] for r in REJECTIONS])
def test_each_rule_rejects_the_row_and_keeps_the_good_ones(tmp_path, memory_con, config, case, overrides,
                                                            reason, column, value):
    path = write_csv(tmp_path / "t.csv", CANONICAL_COLUMNS, [
        canonical_row(ticket_id="GOOD1"),
        canonical_row(ticket_id="BAD", **overrides) if "ticket_id" not in overrides else canonical_row(**overrides),
        canonical_row(ticket_id="GOOD2"),
    ])
    result = load(memory_con, path, config)
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (3, 2, 1)
    assert one(memory_con, "SELECT line_number, reason, column_name, bad_value FROM rejected_rows") == (
        3, reason, column, value)
    assert sorted(r[0] for r in memory_con.execute("SELECT ticket_id FROM tickets").fetchall()) == ["GOOD1", "GOOD2"]
    assert result.top_reasons == [(reason, 1)]


def test_the_first_broken_rule_is_the_reason_given(tmp_path, memory_con, config):
    path = write_csv(tmp_path / "t.csv", CANONICAL_COLUMNS,
                     [canonical_row(created_at="nope", priority="p0", csat="9")])
    load(memory_con, path, config)
    assert one(memory_con, "SELECT reason FROM rejected_rows") == ("unparseable created_at",)


KEPT_WITH_NOTE = [
    ("unknown category", {"abuse_category": "copyright"}, "abuse_category", "other",
     "abuse category not in taxonomy, counted as other"),
    ("blank category", {"abuse_category": ""}, "abuse_category", "other",
     "abuse category not in taxonomy, counted as other"),
    ("unknown channel", {"channel": "carrier pigeon"}, "channel", "other", "channel not mapped, counted as other"),
    ("placeholder resolved on open ticket", {"resolved_at": "1900-01-01T00:00:00Z"}, "resolved_at", None,
     "placeholder date before 1970 read as missing"),
    ("reopened ticket keeps no resolution", {"status": "open", "resolved_at": "2026-03-02T11:00:00Z"},
     "resolved_at", None, "resolution date ignored: ticket is open again"),
    ("solved without date uses updated_at", {"status": "solved"}, "resolved_at",
     "2026-03-02 10:05:00+00", "solved or closed without a resolution date: resolved at its latest known time"),
]


@pytest.mark.parametrize("case, overrides, column, stored, note", KEPT_WITH_NOTE, ids=[r[0] for r in KEPT_WITH_NOTE])
def test_doubtful_values_are_kept_and_counted(tmp_path, memory_con, config, case, overrides, column, stored, note):
    path = write_csv(tmp_path / "t.csv", CANONICAL_COLUMNS, [canonical_row(**overrides)])
    result = load(memory_con, path, config)
    assert (result.rows_loaded, result.rows_rejected) == (1, 0)
    value = one(memory_con, f"SELECT CAST({column} AS VARCHAR) FROM tickets")[0]
    assert value == stored
    assert note in [n[0] for n in result.notes]


def test_category_aliases_from_config_map_into_the_taxonomy(tmp_path, memory_con, config_file):
    from core.config import load_config
    config_file.write_text(config_file.read_text() + '\n[taxonomy.aliases]\n"doxxing" = "private_information"\n')
    config = load_config(config_file)
    path = write_csv(tmp_path / "t.csv", CANONICAL_COLUMNS, [canonical_row(abuse_category="Doxxing")])
    load(memory_con, path, config)
    assert one(memory_con, "SELECT abuse_category FROM tickets") == ("private_information",)


def test_rows_the_csv_parser_cannot_split_are_rejected_with_their_line(tmp_path, memory_con, config):
    good = [canonical_row(ticket_id=f"T{i}")[c] for i in range(1) for c in CANONICAL_COLUMNS]
    rows = [canonical_row(ticket_id="T1"), good + ["surplus"], canonical_row(ticket_id="T3"),
            ["only", "three", "fields"], canonical_row(ticket_id="T5")]
    path = write_csv(tmp_path / "t.csv", CANONICAL_COLUMNS, rows)
    result = load(memory_con, path, config)
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (5, 3, 2)
    assert memory_con.execute("SELECT line_number, reason FROM rejected_rows ORDER BY 1").fetchall() == [
        (3, "too many columns"), (5, "too few columns")]


def test_good_rows_after_parser_rejects_keep_their_true_line_numbers(tmp_path, memory_con, config):
    rows = [["x"], canonical_row(ticket_id="A", priority="p0"), ["y"], ["z"], canonical_row(ticket_id="B", csat="7")]
    path = write_csv(tmp_path / "t.csv", CANONICAL_COLUMNS, rows)
    load(memory_con, path, config)
    assert memory_con.execute("SELECT line_number, reason FROM rejected_rows ORDER BY 1").fetchall() == [
        (2, "too few columns"), (3, "unknown priority"), (4, "too few columns"), (5, "too few columns"),
        (6, "csat out of range 1-5")]


def test_rejected_raw_record_hashes_reporters_and_drops_text(tmp_path, memory_con, config):
    from pipelines.personal_data import hmac_hex
    from tests.ingest_fixtures import ZENDESK_COLUMNS, zendesk_row
    path = write_csv(tmp_path / "z.csv", ZENDESK_COLUMNS, [zendesk_row(
        **{"Priority": "Mega", "Requester email": "victim@example.com", "Requester id": "9001",
           "Subject": "my address is 1 Main St", "Organization": "ACME"})])
    load(memory_con, path, config, timezone_name="UTC")
    raw = json.loads(one(memory_con, "SELECT raw_record FROM rejected_rows")[0])
    assert "Subject" not in raw
    assert raw["Organization"] == hmac_hex(config.hash_key, "acme")   # read or not, personal columns are hashed
    assert raw["Requester email"] != "victim@example.com" and len(raw["Requester email"]) == 64
    assert raw["Priority"] == "Mega"
    dump = str(memory_con.execute("SELECT * FROM rejected_rows").fetchall())
    assert "victim@example.com" not in dump and "1 Main St" not in dump


@pytest.mark.parametrize("store_text, expected", [(False, []), (True, [("1", "my address is 1 Main St")])])
def test_ticket_text_is_stored_only_when_the_config_says_so(tmp_path, memory_con, config_file, store_text, expected):
    from core.config import load_config
    from tests.ingest_fixtures import ZENDESK_COLUMNS, zendesk_row
    config_file.write_text(config_file.read_text().replace(
        '[privacy]\n', f'[privacy]\nstore_ticket_text = {str(store_text).lower()}\n'))
    path = write_csv(tmp_path / "z.csv", ZENDESK_COLUMNS, [zendesk_row(Subject="my address is 1 Main St")])
    load(memory_con, path, load_config(config_file), timezone_name="UTC")
    assert memory_con.execute("SELECT ticket_id, subject FROM ticket_text").fetchall() == expected
    everything_else = str(memory_con.execute("SELECT * FROM tickets").fetchall())
    assert "Main St" not in everything_else


def test_stored_ticket_text_leaves_load_detail_and_the_row_keeps_its_note(tmp_path, memory_con, config_file):
    """With the text kept, a row that also carries a note keeps the note in load_detail (read by
    load_notes and later loads) while its subject moves to ticket_text and nowhere else."""
    from core.config import load_config
    from tests.ingest_fixtures import ZENDESK_COLUMNS, zendesk_row
    config_file.write_text(config_file.read_text().replace('[privacy]\n', '[privacy]\nstore_ticket_text = true\n'))
    path = write_csv(tmp_path / "z.csv", ZENDESK_COLUMNS, [
        zendesk_row(Id="1", Subject="my address is 1 Main St", **{"Abuse category [list]": "Crypto scam"}),
        zendesk_row(Id="2", Subject="plain question")])
    load(memory_con, path, load_config(config_file), timezone_name="UTC")
    assert memory_con.execute("SELECT ticket_id, CAST(load_detail->>'note_flags' AS INTEGER), "
                              "load_detail->>'category_raw' FROM tickets ORDER BY 1").fetchall() == [
        ("1", 1, "Crypto scam"), ("2", None, None)]
    assert memory_con.execute("SELECT load_detail FROM tickets WHERE ticket_id = '2'").fetchall() == [(None,)]
    details = str(memory_con.execute("SELECT load_detail FROM tickets").fetchall())
    assert "Main St" not in details and "subject" not in details
    assert memory_con.execute("SELECT ticket_id, subject FROM ticket_text ORDER BY 1").fetchall() == [
        ("1", "my address is 1 Main St"), ("2", "plain question")]


SPELLINGS = [   # (field, raw values in one file, what each becomes) — exact canonical spellings take
    # a shortcut past the value map (normalize.lookup_lower); every spelling must end up the same
    ("status", ["pending", "Pending", " PENDING ", "PeNdInG"], "pending"),
    ("priority", ["urgent", "URGENT", "Urgent"], "urgent"),
    ("channel", ["chat", "Chat", "CHAT"], "chat"),
    ("abuse_category", ["harassment", "Harassment", "HARASSMENT"], "harassment"),
    ("escalated", ["true", "TRUE", "Yes", "y", "1"], True),
    ("high_profile", ["false", "False", "NO", "n", "0"], False),
]


@pytest.mark.parametrize("field, spellings, expected", SPELLINGS)
def test_every_spelling_of_a_canonical_value_maps_to_it(tmp_path, memory_con, config, field, spellings, expected):
    rows = [canonical_row(ticket_id=f"S{i}", **{field: value}) for i, value in enumerate(spellings)]
    result = load(memory_con, write_csv(tmp_path / "s.csv", CANONICAL_COLUMNS, rows), config)
    assert result.rows_rejected == 0
    got = memory_con.execute(f"SELECT {field} FROM tickets ORDER BY ticket_id").fetchall()
    assert got == [(expected,)] * len(spellings)
    assert memory_con.execute("SELECT count(*) FROM load_notes").fetchall() == [(0,)]


PADDED_CELLS = [   # cells of fields that are only cast are not trimmed first (normalize.CAST_FIELDS):
    # (overrides, column to read back, expected value, expected reject (reason, shown value) or None)
    ({"created_at": " 2026-03-02T10:00:00Z "}, "created_at", "2026-03-02 10:00:00+00", None),
    ({"created_at": "   "}, None, None, ("missing created_at", None)),
    ({"created_at": " 2026-13-02T10:00:00Z "}, None, None, ("unparseable created_at", "2026-13-02T10:00:00Z")),
    ({"updated_at": "   "}, "updated_at", "2026-03-02 10:00:00+00", None),
    ({"updated_at": " 2026-03-02T12:00:00+01:00 "}, "updated_at", "2026-03-02 11:00:00+00", None),
    ({"status": "solved", "resolved_at": " 2026-03-02T11:00:00Z "}, "resolved_at", "2026-03-02 11:00:00+00", None),
    ({"resolved_at": "  "}, "resolved_at", None, None),
    ({"qa_score": " 85 "}, "qa_score", 85.0, None),
    ({"qa_score": "   "}, "qa_score", None, None),
    ({"qa_score": " high "}, None, None, ("invalid qa_score", "high")),
    ({"reopen_count": " 2 "}, "reopen_count", 2, None),
    ({"reopen_count": "  "}, "reopen_count", 0, None),
    ({"reopen_count": " -1 "}, None, None, ("negative reopen count", "-1")),
]


@pytest.mark.parametrize("overrides, column, expected, reject", PADDED_CELLS)
def test_padded_and_space_only_cells_of_cast_fields(tmp_path, memory_con, config, overrides, column, expected, reject):
    row = canonical_row(**({"created_at": "2026-03-02T10:00:00Z", "updated_at": ""} | overrides))
    result = load(memory_con, write_csv(tmp_path / "p.csv", CANONICAL_COLUMNS, [row]), config)
    if reject is None:
        assert result.rows_rejected == 0
        got = memory_con.execute(f"SELECT CAST({column} AS VARCHAR) FROM tickets").fetchall()[0][0]
        assert got == (None if expected is None else str(expected))
    else:
        assert result.rows_rejected == 1
        assert one(memory_con, "SELECT reason, bad_value FROM rejected_rows") == reject


PADDED_LOOKUP_CELLS = [   # cells of looked-up fields are trimmed only when their value is not found as is
    # (overrides, column to read back, expected value, expected reject (reason, shown value) or None,
    #  expected load notes [(note, raw value)])
    ({"status": " pending "}, "status", "pending", None, []),
    ({"status": "   "}, None, None, ("missing status", None), []),
    ({"status": " Parked "}, None, None, ("unknown status", "Parked"), []),
    ({"priority": " HIGH "}, "priority", "high", None, []),
    ({"priority": "   "}, "priority", "normal", None, [("blank priority, default used", None)]),
    ({"priority": " sky-high "}, None, None, ("unknown priority", "sky-high"), []),
    ({"channel": " Chat "}, "channel", "chat", None, []),
    ({"channel": "  "}, "channel", "other", None, []),
    ({"channel": " fax "}, "channel", "other", None, [("channel not mapped, counted as other", "fax")]),
    ({"abuse_category": " Harassment "}, "abuse_category", "harassment", None, []),
    ({"abuse_category": "   "}, "abuse_category", "other", None,
     [("abuse category not in taxonomy, counted as other", "(blank)")]),
    ({"abuse_category": " crypto scam "}, "abuse_category", "other", None,
     [("abuse category not in taxonomy, counted as other", "crypto scam")]),
    ({"escalated": " yes "}, "escalated", "true", None, []),
    ({"escalated": "   "}, "escalated", "false", None, []),
    ({"escalated": " maybe "}, None, None, ("invalid escalated flag", "maybe"), []),
    ({"high_profile": " TRUE "}, "high_profile", "true", None, []),
    ({"high_profile": "  "}, "high_profile", "false", None, []),
    ({"region": " br "}, "region", "BR", None, []),
    ({"region": "   "}, "region", "unknown", None, []),
    ({"language": " PT "}, "language", "pt", None, []),
    ({"vendor": " Lumen Partners "}, "vendor", "Lumen Partners", None, []),
    ({"queue": "   "}, "queue", "unknown", None, []),
    ({"csat": " 4 "}, "csat", "4", None, []),
    ({"csat": "   "}, "csat", None, None, []),
    ({"csat": " great "}, None, None, ("invalid csat", "great"), []),
    ({"csat": " 9 "}, None, None, ("csat out of range 1-5", "9"), []),
]


@pytest.mark.parametrize("overrides, column, expected, reject, notes", PADDED_LOOKUP_CELLS)
def test_padded_and_space_only_cells_of_looked_up_fields(tmp_path, memory_con, config, overrides, column, expected,
                                                        reject, notes):
    result = load(memory_con, write_csv(tmp_path / "p.csv", CANONICAL_COLUMNS, [canonical_row(**overrides)]), config)
    if reject is None:
        assert result.rows_rejected == 0
        got = memory_con.execute(f"SELECT CAST({column} AS VARCHAR) FROM tickets").fetchall()[0][0]
        assert got == expected
    else:
        assert result.rows_rejected == 1
        assert one(memory_con, "SELECT reason, bad_value FROM rejected_rows") == reject
    assert memory_con.execute("SELECT note, raw_value FROM load_notes ORDER BY 1").fetchall() == notes
