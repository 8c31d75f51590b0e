"""Numeric ticket ids: `tickets.ticket_number` holds an id written the one way its number prints,
newest-wins finds those ids' stored versions by it, and every other stored row by its id, so no
ticket is ever kept twice or mistaken for another."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.ingest_fixtures import CANONICAL_COLUMNS, canonical_row, load, one, write_csv
from tests.ticket_factory import insert_tickets, ticket

# (ticket id as exported, the ticket_number stored)
NUMBER_CASES = [
    ("123", 123),
    ("0", 0),
    ("-5", -5),
    ("9223372036854775807", 9223372036854775807),     # the largest BIGINT
    ("9223372036854775808", None),                    # one past it
    ("0123", None),                                   # a leading zero: not the way 123 prints
    ("+5", None),
    ("12.0", None),
    ("1e3", None),
    ("1_000", None),
    ("ABC-12", None),
    ("5003000000D8cuIAAR", None),                     # a Salesforce case id
]


@pytest.mark.parametrize("ticket_id, number", NUMBER_CASES, ids=[c[0] for c in NUMBER_CASES])
def test_ticket_number_is_the_id_only_when_the_id_is_how_its_number_prints(tmp_path, memory_con, config,
                                                                             ticket_id, number):
    load(memory_con, write_csv(tmp_path / "t.csv", CANONICAL_COLUMNS, [canonical_row(ticket_id=ticket_id)]), config)
    assert one(memory_con, "SELECT ticket_id, ticket_number FROM tickets") == (ticket_id, number)


def _versions(ids: list[str], updated_at: str) -> list[dict]:
    return [canonical_row(ticket_id=i, created_at="2026-02-20T10:00:00Z", updated_at=updated_at) for i in ids]


def test_ids_that_differ_only_in_how_the_number_is_written_are_different_tickets(tmp_path, memory_con, config):
    ids = ["7", "07", "007", "+7"]
    load(memory_con, write_csv(tmp_path / "a.csv", CANONICAL_COLUMNS, _versions(ids, "2026-03-02T10:05:00Z")), config)
    newer = load(memory_con, write_csv(tmp_path / "b.csv", CANONICAL_COLUMNS,
                                       _versions(["7"], "2026-03-05T10:05:00Z")), config)
    assert (newer.rows_inserted, newer.rows_updated) == (0, 1)
    assert memory_con.execute("SELECT ticket_id, updated_at::DATE::VARCHAR FROM tickets ORDER BY ticket_id").fetchall() == [
        ("+7", "2026-03-02"), ("007", "2026-03-02"), ("07", "2026-03-02"), ("7", "2026-03-05")]


def test_stored_rows_without_a_ticket_number_are_still_found(tmp_path, memory_con, config):
    """Rows stored before the column existed, or written by another path, carry no number: a
    newer export of the same numeric id replaces them all the same."""
    insert_tickets(memory_con, [ticket("2026-02-20 09:00", ticket_id="123", updated_at="2026-03-01 10:00"),
                                ticket("2026-02-20 09:00", ticket_id="ABC", updated_at="2026-03-01 10:00")])
    assert one(memory_con, "SELECT count(ticket_number) FROM tickets") == (0,)
    result = load(memory_con, write_csv(tmp_path / "b.csv", CANONICAL_COLUMNS,
                                        _versions(["123", "ABC", "456"], "2026-03-05T10:05:00Z")), config)
    assert (result.rows_inserted, result.rows_updated) == (1, 2)
    assert memory_con.execute("SELECT ticket_id, ticket_number FROM tickets ORDER BY ticket_id").fetchall() == [
        ("123", 123), ("456", 456), ("ABC", None)]


def test_an_older_export_of_a_numeric_id_never_overwrites(tmp_path, memory_con, config):
    load(memory_con, write_csv(tmp_path / "new.csv", CANONICAL_COLUMNS, _versions(["42"], "2026-03-05T10:05:00Z")), config)
    older = load(memory_con, write_csv(tmp_path / "old.csv", CANONICAL_COLUMNS,
                                       _versions(["42"], "2026-03-01T10:05:00Z")), config)
    assert (older.rows_inserted, older.rows_updated, older.rows_stale) == (0, 0, 1)
    assert one(memory_con, "SELECT count(*), min(updated_at)::DATE::VARCHAR FROM tickets") == (1, "2026-03-05")


ID_TEXT = st.one_of(
    st.integers(-10**20, 10**20).map(str),
    st.from_regex(r"[0+\-]?[0-9]{1,4}", fullmatch=True),
    st.from_regex(r"[A-Z]{1,3}-?[0-9]{0,3}", fullmatch=True),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(first=st.lists(ID_TEXT, min_size=1, max_size=8, unique=True),
       second=st.lists(ID_TEXT, min_size=1, max_size=8, unique=True),
       hand_stored=st.lists(ID_TEXT, max_size=4, unique=True))
def test_two_loads_keep_one_newest_row_per_id(tmp_path_factory, config, first, second, hand_stored):
    from core.warehouse import connect_memory
    folder = tmp_path_factory.mktemp("ids")
    con = connect_memory()
    try:
        if hand_stored:
            insert_tickets(con, [ticket("2026-01-31 10:00", ticket_id=i, updated_at="2026-02-21 00:00")
                                 for i in hand_stored])
        load(con, write_csv(folder / "a.csv", CANONICAL_COLUMNS, _versions(first, "2026-03-02T10:05:00Z")), config)
        load(con, write_csv(folder / "b.csv", CANONICAL_COLUMNS, _versions(second, "2026-03-05T10:05:00Z")), config)
        rows = dict(con.execute("SELECT ticket_id, updated_at::DATE::VARCHAR FROM tickets").fetchall())
        assert one(con, "SELECT count(*) FROM tickets") == (len(rows),)          # one row per id
        expected = {i: "2026-02-21" for i in hand_stored} | {i: "2026-03-02" for i in first} \
            | {i: "2026-03-05" for i in second}
        assert rows == expected
        numbers = con.execute("SELECT ticket_id, ticket_number FROM tickets WHERE ticket_number IS NOT NULL").fetchall()
        assert all(str(number) == ticket_id for ticket_id, number in numbers)
    finally:
        con.close()


def test_a_warehouse_from_before_the_column_gets_it_and_its_rows_are_still_replaced(tmp_path, config):
    """Warehouses written before 2026-11-30 have no ticket_number: the next writer adds it, empty
    for the stored rows, and a newer export of their numeric ids replaces them."""
    from core.warehouse import connect_read, writing
    db = tmp_path / "wh.duckdb"
    with writing(db) as con:
        load(con, write_csv(tmp_path / "a.csv", CANONICAL_COLUMNS, _versions(["10", "11"], "2026-03-02T10:05:00Z")),
             config)
        con.execute("ALTER TABLE tickets DROP COLUMN ticket_number")
    with writing(db) as con:
        result = load(con, write_csv(tmp_path / "b.csv", CANONICAL_COLUMNS,
                                     _versions(["10", "12"], "2026-03-05T10:05:00Z")), config)
    assert (result.rows_inserted, result.rows_updated) == (1, 1)
    assert connect_read(db).execute(
        "SELECT ticket_id, ticket_number, updated_at::DATE::VARCHAR FROM tickets ORDER BY ticket_id").fetchall() == [
        ("10", 10, "2026-03-05"), ("11", None, "2026-03-02"), ("12", 12, "2026-03-05")]


# A first load's repeated ids. Numeric ids are screened by a bitmap over their range
# (pipelines/versions.py) unless the range is too wide for one; each case must still keep exactly
# the newest version of every id, whichever way its repeats were found.
REPEAT_CASES = {
    "dense numbers, one repeated": ["1", "2", "3", "2"],
    "dense numbers, none repeated, a text id repeated": ["1", "2", "ABC", "ABC"],
    "numbers too far apart for a bitmap, one repeated": ["1", "9223372036854775807", "1"],
    "numbers too far apart for a bitmap, none repeated": ["-9223372036854775807", "9223372036854775807"],
    "negative and positive numbers, one repeated": ["-3", "0", "3", "-3"],
    "a number and a spelling of it that is not its number": ["7", "07", "7"],
    "only text ids": ["A", "B", "A"],
}


@pytest.mark.parametrize("ids", REPEAT_CASES.values(), ids=REPEAT_CASES.keys())
def test_a_first_load_keeps_the_newest_version_of_each_repeated_id(tmp_path, memory_con, config, ids):
    rows = [canonical_row(ticket_id=i, created_at="2026-02-20T10:00:00Z", updated_at=f"2026-03-{day:02d}T10:00:00Z")
            for day, i in enumerate(ids, start=1)]
    result = load(memory_con, write_csv(tmp_path / "t.csv", CANONICAL_COLUMNS, rows), config)
    newest = {i: f"2026-03-{day:02d}" for day, i in enumerate(ids, start=1)}    # later days overwrite
    assert (result.rows_inserted, result.rows_stale) == (len(newest), len(ids) - len(newest))
    assert dict(memory_con.execute("SELECT ticket_id, updated_at::DATE::VARCHAR FROM tickets").fetchall()) == newest


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ids=st.lists(st.one_of(st.integers(-50, 50).map(str), ID_TEXT), min_size=1, max_size=12))
def test_a_first_load_with_repeats_keeps_one_newest_row_per_id(tmp_path_factory, config, ids):
    from core.warehouse import connect_memory
    folder = tmp_path_factory.mktemp("repeats")
    con = connect_memory()
    try:
        rows = [canonical_row(ticket_id=i, created_at="2026-02-20T10:00:00Z",
                              updated_at=f"2026-03-{day:02d}T10:00:00Z") for day, i in enumerate(ids, start=1)]
        load(con, write_csv(folder / "a.csv", CANONICAL_COLUMNS, rows), config)
        newest = {i: f"2026-03-{day:02d}" for day, i in enumerate(ids, start=1)}
        assert con.execute("SELECT count(*) FROM tickets").fetchall()[0][0] == len(newest)
        assert dict(con.execute("SELECT ticket_id, updated_at::DATE::VARCHAR FROM tickets").fetchall()) == newest
    finally:
        con.close()
