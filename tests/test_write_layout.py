"""When a write uses small row groups without merging (core/write_layout.py), and that the
tickets come out the same either way."""
from __future__ import annotations

import duckdb
import pytest

from core.warehouse import writing
from core.write_layout import (DEFAULT_ROW_GROUP_SIZE, SMALL_ROW_GROUP_SIZE, TableLayout, allowed_row_groups,
                               choose_layout, count_row_groups, layout_path, record_layout, recorded_layout)
from tests.ingest_fixtures import CANONICAL_COLUMNS, canonical_row, load, write_csv

MB = 1 << 20
NEAR_IDEAL = {"tickets": TableLayout(83, 10_066_092), "load_runs": TableLayout(3, 3)}

# (case, input bytes, warehouse file bytes (None: first load / full rebuild), recorded row groups,
#  expected row-group size, expected merging)
LAYOUT_CASES = [
    ("not a load (refresh, detect)", None, 490 * MB, NEAR_IDEAL, DEFAULT_ROW_GROUP_SIZE, True),
    ("first load: no warehouse yet", 22 * MB, None, None, DEFAULT_ROW_GROUP_SIZE, True),
    ("full reload of 10M rows into 10M", 2_240 * MB, 490 * MB, NEAR_IDEAL, DEFAULT_ROW_GROUP_SIZE, True),
    ("100k rows into 10M, row groups near ideal", 22 * MB, 490 * MB, NEAR_IDEAL, SMALL_ROW_GROUP_SIZE, False),
    ("input exactly a quarter of the file: small", 100 * MB, 400 * MB, NEAR_IDEAL, SMALL_ROW_GROUP_SIZE, False),
    ("input one byte over a quarter: large", 100 * MB + 1, 400 * MB, NEAR_IDEAL, DEFAULT_ROW_GROUP_SIZE, True),
    ("small, but row groups not known", 22 * MB, 490 * MB, None, DEFAULT_ROW_GROUP_SIZE, True),
    # 10,066,092 rows: ideal 82 (ceil of 81.9), allowed 82 + max(16, ceil(82 / 4) = 21) = 103
    ("tickets at the margin: 103 groups", 22 * MB, 490 * MB,
     {"tickets": TableLayout(103, 10_066_092)}, SMALL_ROW_GROUP_SIZE, False),
    ("tickets one over the margin: catch up", 22 * MB, 490 * MB,
     {"tickets": TableLayout(104, 10_066_092)}, DEFAULT_ROW_GROUP_SIZE, True),
    # a table of a few rows: ideal 1, allowed 1 + 16
    ("load_runs at 17 groups", 22 * MB, 490 * MB,
     {"tickets": TableLayout(83, 10_066_092), "load_runs": TableLayout(17, 17)}, SMALL_ROW_GROUP_SIZE, False),
    ("load_runs at 18 groups: catch up", 22 * MB, 490 * MB,
     {"tickets": TableLayout(83, 10_066_092), "load_runs": TableLayout(18, 18)}, DEFAULT_ROW_GROUP_SIZE, True),
]


@pytest.mark.parametrize("case, load_bytes, warehouse_bytes, tables, row_group_size, merge", LAYOUT_CASES,
                         ids=[c[0] for c in LAYOUT_CASES])
def test_small_row_groups_without_merging_only_for_a_small_load_near_the_ideal_count(
        case, load_bytes, warehouse_bytes, tables, row_group_size, merge):
    layout = choose_layout(load_bytes, warehouse_bytes, tables)
    assert (layout.row_group_size, layout.merge_row_groups) == (row_group_size, merge)


@pytest.mark.parametrize("rows, allowed", [(0, 17), (1, 17), (122_880, 17), (122_881, 18), (8_110_080, 66 + 17),
                                           (10_066_092, 82 + 21), (100_000_000, 814 + 204)])
def test_allowed_row_groups_is_the_ideal_count_plus_a_quarter_and_at_least_16(rows, allowed):
    assert allowed_row_groups(rows) == allowed


def test_row_groups_are_counted_from_a_checkpoint_log():
    messages = [
        "{'database': w, 'schema': main, 'table': tickets, 'type': checkpoint, 'info': {segment_idx=0, start=0, count=122880}}",
        "{'database': w, 'schema': main, 'table': tickets, 'type': vacuum, 'info': {segment_idx=1, merge_count=3, "
        "target_count=1, merge_rows=100000, row_start=122880}}",
        "{'database': w, 'schema': main, 'table': tickets, 'type': checkpoint, 'info': {segment_idx=4, start=222880, count=61440}}",
        "{'database': w, 'schema': main, 'table': load_runs, 'type': checkpoint, 'info': {segment_idx=0, start=0, count=2}}",
        "a line of another kind",
    ]
    assert count_row_groups(messages) == {"tickets": TableLayout(3, 284_320), "load_runs": TableLayout(1, 2)}
    assert count_row_groups(["nothing to count"]) is None
    # a known line whose fields changed: not a guess
    assert count_row_groups(["{'table': t, 'type': checkpoint, 'info': {segment_idx=0, rows=3}}"]) is None


def test_the_record_holds_only_for_the_file_it_was_written_for(tmp_path):
    db = tmp_path / "w.duckdb"
    db.write_bytes(b"one version")
    record_layout(db, {"tickets": TableLayout(5, 500_000)})
    assert recorded_layout(db) == {"tickets": TableLayout(5, 500_000)}
    db.write_bytes(b"another version, longer")          # a write that kept no record
    assert recorded_layout(db) is None
    layout_path(db).write_text("{not json")
    assert recorded_layout(db) is None
    record_layout(db, None)
    assert not layout_path(db).exists()


def _row_groups(db_path, table="tickets") -> list[int]:
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        return [n for (_, n) in con.execute(
            "SELECT row_group_id, sum(count) FROM pragma_storage_info(?) WHERE column_id = 0 "
            "AND segment_type <> 'VALIDITY' GROUP BY row_group_id ORDER BY row_group_id", [table]).fetchall()]
    finally:
        con.close()


def _tickets(db_path) -> list[tuple]:
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        return con.execute("SELECT * EXCLUDE (load_run_id, load_detail) FROM tickets ORDER BY source, ticket_id").fetchall()
    finally:
        con.close()


def _export(path, first: int, n: int, updated: str):
    return write_csv(path, CANONICAL_COLUMNS,
                     [canonical_row(ticket_id=str(i), created_at="2023-12-01T00:00:00Z", updated_at=updated) for i in range(first, first + n)])


def _ingest(db, path, config, load_bytes):
    with writing(db, load_bytes=load_bytes) as con:
        load(con, path, config)
    # what the write recorded from its checkpoint's log is what DuckDB's storage says
    groups = _row_groups(db)
    assert recorded_layout(db)["tickets"] == TableLayout(len(groups), sum(groups))


def test_small_loads_then_a_full_reload_give_the_tickets_of_one_load(tmp_path, config):
    """Three small loads (two of them updates), written in 61,440-row groups without merging, then a
    full reload: the same tickets as loading the final export into a new warehouse."""
    full = _export(tmp_path / "full.csv", 0, 150_000, "2024-01-02T00:00:00Z")
    grown = tmp_path / "grown.duckdb"
    _ingest(grown, full, config, load_bytes=None)          # first load: DuckDB's defaults, recorded
    assert max(_row_groups(grown)) == DEFAULT_ROW_GROUP_SIZE
    small = [_export(tmp_path / "new.csv", 150_000, 70_000, "2024-01-03T00:00:00Z"),
             _export(tmp_path / "upd1.csv", 0, 2_000, "2024-01-04T00:00:00Z"),
             _export(tmp_path / "upd2.csv", 1_000, 3_000, "2024-01-05T00:00:00Z")]
    for path in small:
        _ingest(grown, path, config, load_bytes=1)           # one byte: small against any warehouse
    groups = _row_groups(grown)
    assert SMALL_ROW_GROUP_SIZE in groups and len(groups) > 3   # written small, nothing merged back

    final = tmp_path / "final.csv"
    rows = ([canonical_row(ticket_id=str(i), created_at="2023-12-01T00:00:00Z", updated_at="2024-01-02T00:00:00Z") for i in range(150_000)]
            + [canonical_row(ticket_id=str(i), created_at="2023-12-01T00:00:00Z", updated_at="2024-01-03T00:00:00Z") for i in range(150_000, 220_000)])
    for i in range(0, 4_000):
        rows[i] = canonical_row(ticket_id=str(i), created_at="2023-12-01T00:00:00Z", updated_at="2024-01-05T00:00:00Z" if i >= 1_000 else "2024-01-04T00:00:00Z")
    write_csv(final, CANONICAL_COLUMNS, rows)
    once = tmp_path / "once.duckdb"
    _ingest(once, final, config, load_bytes=None)
    assert _tickets(grown) == _tickets(once)

    # the full reload is a large load: DuckDB's row groups, merged, and the same tickets again
    _ingest(grown, final, config, load_bytes=final.stat().st_size)
    assert _tickets(grown) == _tickets(once)
    assert recorded_layout(grown)["tickets"].row_groups <= allowed_row_groups(220_000)
