"""Re-loading, updating and failing: the warehouse keeps one newest version per ticket and a failed
file leaves it exactly as it was."""
from __future__ import annotations

import subprocess
import sys

import duckdb
import pytest

from core.warehouse import connect_read, next_path, writing
from tests.ingest_fixtures import CANONICAL_COLUMNS, canonical_row, load, one, write_csv


def test_same_file_twice_is_a_no_op_that_says_so(tmp_path, memory_con, config):
    path = write_csv(tmp_path / "t.csv", CANONICAL_COLUMNS, [canonical_row()])
    first = load(memory_con, path, config)
    again = load(memory_con, path, config)
    assert (first.status, again.status) == ("loaded", "skipped")
    assert one(memory_con, "SELECT count(*) FROM tickets") == (1,)
    assert one(memory_con, "SELECT count(*) FROM load_runs") == (1,)


@pytest.mark.parametrize("earlier_size_known", [True, False])
def test_a_different_file_of_the_same_size_is_loaded_and_the_same_file_is_not(tmp_path, memory_con, config,
                                                                              earlier_size_known):
    """The sha256 is waited for only when a file of the same size was loaded (or a load from
    before sizes were recorded): either way the content decides."""
    a = write_csv(tmp_path / "a.csv", CANONICAL_COLUMNS, [canonical_row(ticket_id="A1")])
    b = write_csv(tmp_path / "b.csv", CANONICAL_COLUMNS, [canonical_row(ticket_id="B1")])
    assert a.stat().st_size == b.stat().st_size and a.read_bytes() != b.read_bytes()
    load(memory_con, a, config)
    if not earlier_size_known:
        memory_con.execute("UPDATE load_runs SET file_bytes = NULL")
    assert [load(memory_con, f, config).status for f in (b, a)] == ["loaded", "skipped"]
    assert one(memory_con, "SELECT string_agg(ticket_id, ',' ORDER BY ticket_id) FROM tickets") == ("A1,B1",)
    assert one(memory_con, "SELECT min(file_bytes), max(file_bytes) FROM load_runs") == (a.stat().st_size,) * 2


def test_force_reloads_but_an_equal_version_changes_nothing(tmp_path, memory_con, config):
    path = write_csv(tmp_path / "t.csv", CANONICAL_COLUMNS, [canonical_row()])
    load(memory_con, path, config)
    forced = load(memory_con, path, config, force=True)
    assert (forced.status, forced.rows_inserted, forced.rows_updated, forced.rows_stale) == ("loaded", 0, 0, 1)
    assert one(memory_con, "SELECT count(*), max(load_run_id) FROM tickets") == (1, 1)


def test_a_later_export_updates_and_an_older_one_never_overwrites(tmp_path, memory_con, config):
    v1 = write_csv(tmp_path / "v1.csv", CANONICAL_COLUMNS, [canonical_row(status="open", updated_at="2026-03-02T10:05:00Z")])
    v2 = write_csv(tmp_path / "v2.csv", CANONICAL_COLUMNS, [canonical_row(
        status="solved", resolved_at="2026-03-03T09:00:00Z", updated_at="2026-03-03T09:00:00Z"),
        canonical_row(ticket_id="NEW")])
    load(memory_con, v1, config)
    newer = load(memory_con, v2, config)
    assert (newer.rows_inserted, newer.rows_updated, newer.rows_stale) == (1, 1, 0)
    older = load(memory_con, v1, config, force=True)
    assert (older.rows_inserted, older.rows_updated, older.rows_stale) == (0, 0, 1)
    assert one(memory_con, "SELECT status FROM tickets WHERE ticket_id = 'C1'") == ("solved",)
    assert one(memory_con, "SELECT count(*) FROM tickets") == (2,)


def test_within_one_file_the_newest_version_wins(tmp_path, memory_con, config):
    path = write_csv(tmp_path / "t.csv", CANONICAL_COLUMNS, [
        canonical_row(status="pending", updated_at="2026-03-02T12:00:00Z"),
        canonical_row(status="open", updated_at="2026-03-02T11:00:00Z"),
    ])
    result = load(memory_con, path, config)
    assert (result.rows_loaded, result.rows_inserted, result.rows_stale) == (2, 1, 1)
    assert one(memory_con, "SELECT status FROM tickets") == ("pending",)


def test_the_same_ticket_id_from_two_sources_is_two_tickets(tmp_path, memory_con, config):
    from tests.ingest_fixtures import ZENDESK_COLUMNS, zendesk_row
    load(memory_con, write_csv(tmp_path / "c.csv", CANONICAL_COLUMNS, [canonical_row(ticket_id="1")]), config)
    load(memory_con, write_csv(tmp_path / "z.csv", ZENDESK_COLUMNS, [zendesk_row(Id="1")]), config, timezone_name="UTC")
    assert memory_con.execute("SELECT source, ticket_id FROM tickets ORDER BY 1").fetchall() == [
        ("canonical", "1"), ("zendesk", "1")]


FAILURE_POINTS = [   # (module, function) that raises: after the rows are committed, in the second transaction
    ("pipelines.ingest", "record_load_run"),          # the last step
    ("pipelines.readers", "numbered_view"),           # the re-read of rejected and tied rows
    ("pipelines.ingest", "keep_newest_versions"),     # settling versions
]


@pytest.mark.parametrize("module, function", FAILURE_POINTS)
def test_a_failure_mid_load_rolls_the_file_back(tmp_path, memory_con, config, monkeypatch, module, function):
    """The file's rows are committed before rejects and versions are settled (see _FileTransaction):
    a failure after that still leaves the tickets, the replaced versions and the logs as they were."""
    load(memory_con, write_csv(tmp_path / "a.csv", CANONICAL_COLUMNS, [
        canonical_row(ticket_id="A", status="open", updated_at="2026-03-02T10:05:00Z")]), config)
    before = memory_con.execute("SELECT * FROM tickets").fetchall()
    import importlib

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")
    monkeypatch.setattr(importlib.import_module(module), function, broken)
    with pytest.raises(RuntimeError):
        load(memory_con, write_csv(tmp_path / "b.csv", CANONICAL_COLUMNS, [
            canonical_row(ticket_id="A", status="pending", updated_at="2026-03-03T10:05:00Z"),
            canonical_row(ticket_id="B"), canonical_row(ticket_id="C", csat="9")]), config)
    assert memory_con.execute("SELECT * FROM tickets").fetchall() == before
    assert one(memory_con, "SELECT count(*) FROM rejected_rows") == (0,)
    assert one(memory_con, "SELECT count(*) FROM load_notes") == (0,)
    assert one(memory_con, "SELECT count(*) FROM load_runs") == (1,)


def test_the_live_warehouse_is_untouched_until_the_swap(tmp_path, config):
    db = tmp_path / "wh.duckdb"
    with writing(db) as con:
        load(con, write_csv(tmp_path / "a.csv", CANONICAL_COLUMNS, [canonical_row(ticket_id="A")]), config)
    with pytest.raises(RuntimeError):
        with writing(db) as con:
            load(con, write_csv(tmp_path / "b.csv", CANONICAL_COLUMNS, [canonical_row(ticket_id="B")]), config)
            # meanwhile a reader still sees the old warehouse
            reader = connect_read(db)
            assert reader.execute("SELECT ticket_id FROM tickets").fetchall() == [("A",)]
            reader.close()
            raise RuntimeError("crash before the swap")
    assert not next_path(db).exists()
    reader = connect_read(db)
    assert reader.execute("SELECT ticket_id FROM tickets").fetchall() == [("A",)]


def test_a_killed_writer_leaves_the_live_file_and_frees_the_lock(tmp_path, config):
    db = tmp_path / "wh.duckdb"
    with writing(db) as con:
        load(con, write_csv(tmp_path / "a.csv", CANONICAL_COLUMNS, [canonical_row(ticket_id="A")]), config)
    script = (
        "import sys, time\n"
        "from core.warehouse import writing\n"
        f"with writing({str(db)!r}) as con:\n"
        "    con.execute(\"DELETE FROM tickets\")\n"
        "    print('inside', flush=True)\n"
        "    time.sleep(60)\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "inside"
    proc.kill()
    proc.wait()
    with writing(db, timeout=5) as con:     # the lock is free again and the half-built copy is discarded
        assert con.execute("SELECT ticket_id FROM tickets").fetchall() == [("A",)]


def test_multi_file_ingest_loads_the_good_files_when_one_is_bad(tmp_path, config_file):
    from safetyops.cli import main
    good = write_csv(tmp_path / "good.csv", CANONICAL_COLUMNS, [canonical_row(ticket_id="G")])
    bad = write_csv(tmp_path / "bad.csv", ["what", "is", "this"], [["1", "2", "3"]])
    db = tmp_path / "wh.duckdb"
    code = main(["--config", str(config_file), "--db", str(db), "-q", "ingest", str(good), str(bad)])
    assert code != 0
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT ticket_id FROM tickets").fetchall() == [("G",)]


def test_a_warehouse_from_before_load_detail_is_upgraded_by_the_next_load(tmp_path, config):
    """Files written by the first loader have no tickets.load_detail nor load_runs.file_bytes: the
    next writer adds them, keeps the stored tickets, and settles versions against them."""
    db = tmp_path / "wh.duckdb"
    with writing(db) as con:
        load(con, write_csv(tmp_path / "a.csv", CANONICAL_COLUMNS,
                            [canonical_row(ticket_id="A", status="open", updated_at="2026-03-02T10:05:00Z")]), config)
        con.execute("ALTER TABLE tickets DROP COLUMN load_detail")
        con.execute("ALTER TABLE load_runs DROP COLUMN file_bytes")
    with writing(db) as con:
        result = load(con, write_csv(tmp_path / "b.csv", CANONICAL_COLUMNS, [
            canonical_row(ticket_id="A", status="pending", updated_at="2026-03-03T10:05:00Z"),
            canonical_row(ticket_id="B", abuse_category="no such category")]), config)
    assert (result.rows_inserted, result.rows_updated) == (1, 1)
    reader = connect_read(db)
    assert reader.execute("SELECT ticket_id, status, CAST(load_detail->>'note_flags' AS INTEGER) FROM tickets "
                          "ORDER BY 1").fetchall() == [("A", "pending", None), ("B", "open", 1)]
    assert reader.execute("SELECT count(file_bytes) FROM load_runs").fetchall() == [(1,)]


def test_a_warehouse_whose_load_detail_is_a_struct_keeps_its_notes_as_json_and_still_finds_rejected_lines(
        tmp_path, config):
    """Warehouses written before 2026-11-30 hold load_detail as a STRUCT (the oldest ones without
    row_hash): the next writer converts it to the JSON object, keeping what stored rows noted, and
    a rejected line still gets its line and record."""
    db = tmp_path / "wh.duckdb"
    with writing(db) as con:
        load(con, write_csv(tmp_path / "a.csv", CANONICAL_COLUMNS, [canonical_row(ticket_id="A")]), config)
        con.execute("ALTER TABLE tickets DROP COLUMN load_detail")
        con.execute("ALTER TABLE tickets ADD COLUMN load_detail STRUCT(line_number BIGINT, reject_reason VARCHAR, "
                    "reject_column VARCHAR, reject_value VARCHAR, raw_record VARCHAR, note_flags UTINYINT, "
                    "category_raw VARCHAR, channel_raw VARCHAR, subject VARCHAR, description VARCHAR)")
        con.execute("UPDATE tickets SET load_detail = {'line_number': NULL, 'reject_reason': NULL, "
                    "'reject_column': NULL, 'reject_value': NULL, 'raw_record': NULL, 'note_flags': 1, "
                    "'category_raw': 'Spam ring', 'channel_raw': NULL, 'subject': NULL, 'description': NULL}")
    with writing(db) as con:
        result = load(con, write_csv(tmp_path / "b.csv", CANONICAL_COLUMNS, [
            canonical_row(ticket_id="B"), canonical_row(ticket_id="C", priority="sky-high")]), config)
        assert con.execute("SELECT line_number, reason, bad_value, raw_record LIKE '%\"C\"%' FROM rejected_rows").fetchall() == [
            (3, "unknown priority", "sky-high", True)]
        assert con.execute("SELECT ticket_id, typeof(load_detail), load_detail->>'category_raw', "
                           "CAST(load_detail->>'note_flags' AS INTEGER) FROM tickets ORDER BY 1").fetchall() == [
            ("A", "JSON", "Spam ring", 1), ("B", "JSON", None, None)]
    assert (result.rows_loaded, result.rows_rejected) == (1, 1)


def test_a_failed_load_stops_hashing_its_file(tmp_path, memory_con, config, monkeypatch):
    """The sha256 runs beside the load; when the load fails the hashing is told to stop, so the
    error is not held back behind a multi-GB hash, and nothing is recorded."""
    import threading

    from pipelines import ingest, load_runs
    from tests.ingest_fixtures import ZENDESK_COLUMNS, zendesk_row
    path = write_csv(tmp_path / "z.csv", ZENDESK_COLUMNS, [zendesk_row()])
    told_to_stop = threading.Event()

    def slow_hash(p, abandon):               # a hash that only ends when it is abandoned
        if abandon.wait(timeout=60):
            told_to_stop.set()
            raise load_runs.HashAbandoned()
        return "never"

    monkeypatch.setattr(ingest, "file_sha256", slow_hash)
    monkeypatch.setattr(ingest, "may_have_been_loaded", lambda con, n: False)
    with pytest.raises(ingest.TimezoneRequired):     # Zendesk CSV without --timezone
        load(memory_con, path, config)
    assert told_to_stop.is_set()
    assert one(memory_con, "SELECT count(*) FROM load_runs") == (0,)


@pytest.mark.parametrize("size", [0, 1, (4 << 20) - 1, 4 << 20, (4 << 20) + 1, (9 << 20) + 123])
def test_the_file_hash_is_the_sha256_of_every_byte_across_read_blocks(tmp_path, size):
    import hashlib
    import os

    from pipelines import load_runs
    data = os.urandom(size)
    path = tmp_path / "f.bin"
    path.write_bytes(data)
    assert load_runs.file_sha256(path) == hashlib.sha256(data).hexdigest()


def test_the_hash_stops_at_the_next_block_once_abandoned(tmp_path):
    import threading

    from pipelines import load_runs
    path = tmp_path / "big.bin"
    path.write_bytes(b"x" * (3 << 20))
    abandon = threading.Event()
    assert len(load_runs.file_sha256(path, abandon)) == 64
    abandon.set()
    with pytest.raises(load_runs.HashAbandoned):
        load_runs.file_sha256(path, abandon)
