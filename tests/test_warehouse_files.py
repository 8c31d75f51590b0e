"""The writer's working copy: reusing the replaced file is byte-exact, and never touches a file that
a reader has open or that is the live file under a second name."""
from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.warehouse import WarehouseBusy, WarehouseMissing, connect_read, next_path, prev_path, writing
from core.warehouse_files import copy_changed_blocks, nobody_has_open
from tests.ticket_factory import insert_tickets, ticket

BLOCK, CHUNK = 4, 8      # bytes: small enough to write the cases out by hand

# (what dst holds, what src holds, bytes rewritten)
COPY_CASES = [
    ("identical", b"abcdefghij", b"abcdefghij", 0),
    ("one byte in the second block", b"abcdXfghij", b"abcdefghij", 4),
    ("one byte in each of two chunks", b"Xbcdefghij", b"abcdefghiX", 4 + 2),
    ("dst longer: cut, nothing written", b"abcdefghijKLMN", b"abcdefghij", 0),
    ("dst shorter by part of a block", b"abcdefghi", b"abcdefghij", 2),
    ("dst shorter by a chunk and more", b"abc", b"abcdefghij", 4 + 4 + 2),
    ("dst empty", b"", b"abcdefghij", 10),
    ("src empty", b"abcdefghij", b"", 0),
]


@pytest.mark.parametrize("n_threads", [1, 2, 3])
@pytest.mark.parametrize("name, before, after, n_rewritten", COPY_CASES, ids=[c[0] for c in COPY_CASES])
def test_copy_changed_blocks_rewrites_only_what_differs(tmp_path, name, before, after, n_rewritten, n_threads):
    src, dst = tmp_path / "src", tmp_path / "dst"
    src.write_bytes(after)
    dst.write_bytes(before)
    assert copy_changed_blocks(src, dst, block_bytes=BLOCK, chunk_bytes=CHUNK, n_threads=n_threads) == n_rewritten
    assert dst.read_bytes() == after


@settings(max_examples=200, deadline=None)
@given(src_bytes=st.binary(max_size=200), dst_bytes=st.binary(max_size=200),
       n_threads=st.integers(1, 4), blocks_per_chunk=st.integers(1, 4))
def test_copy_changed_blocks_always_ends_equal(tmp_path_factory, src_bytes, dst_bytes, n_threads, blocks_per_chunk):
    folder = tmp_path_factory.mktemp("copy")
    src, dst = folder / "src", folder / "dst"
    src.write_bytes(src_bytes)
    dst.write_bytes(dst_bytes)
    block = 8
    n = copy_changed_blocks(src, dst, block_bytes=block, chunk_bytes=block * blocks_per_chunk, n_threads=n_threads)
    assert dst.read_bytes() == src_bytes
    # a block is rewritten when its bytes differ from dst's at the same place (dst's extra tail is cut)
    src_blocks = [src_bytes[i:i + block] for i in range(0, len(src_bytes), block)]
    rewritten = [b for i, b in enumerate(src_blocks) if dst_bytes[i * block:i * block + len(b)] != b]
    assert n == sum(len(b) for b in rewritten)


def count_tickets(con) -> int:
    return con.execute("SELECT count(*) FROM tickets").fetchall()[0][0]


def live_ticket_count(db) -> int:
    reader = connect_read(db)
    try:
        return count_tickets(reader)
    finally:
        reader.close()


def add_tickets(db, n: int) -> None:
    with writing(db) as con:
        insert_tickets(con, [ticket("2026-03-01 10:00") for _ in range(n)])


def how_prepared(caplog) -> list[str]:
    """How each write made its working copy, from the log ('<file>: copied the live file', ...)."""
    return [r.getMessage().split(": ", 1)[1].split(",")[0] for r in caplog.records
            if r.name == "core.warehouse_files"]


def test_the_replaced_version_is_kept_and_reused_by_the_next_write(tmp_path, caplog):
    caplog.set_level(logging.INFO, logger="core.warehouse_files")
    db = tmp_path / "wh.duckdb"
    add_tickets(db, 1)
    assert not prev_path(db).exists()          # nothing was replaced yet
    add_tickets(db, 2)
    assert os.path.getsize(prev_path(db)) > 0
    old = duckdb.connect(str(prev_path(db)), read_only=True)
    assert count_tickets(old) == 1             # .prev is the version before the last write
    old.close()
    add_tickets(db, 4)
    assert how_prepared(caplog) == ["copied the live file", "reused the previous version's file"]
    assert live_ticket_count(db) == 7
    assert not next_path(db).exists()


def test_a_file_a_reader_still_has_open_is_copied_afresh_and_the_reader_keeps_its_version(tmp_path, caplog):
    caplog.set_level(logging.INFO, logger="core.warehouse_files")
    db = tmp_path / "wh.duckdb"
    add_tickets(db, 1)
    reader = connect_read(db)                  # a dashboard that has not looked since
    add_tickets(db, 2)                         # the reader's file is now .prev
    add_tickets(db, 4)                         # must not write into the reader's file
    assert count_tickets(reader) == 1
    assert reader.execute("SELECT count(DISTINCT ticket_id) FROM tickets").fetchall() == [(1,)]
    reader.close()
    assert how_prepared(caplog) == ["copied the live file", "copied the live file"]
    assert live_ticket_count(db) == 7


def test_a_reader_in_another_process_blocks_reuse(tmp_path):
    db = tmp_path / "wh.duckdb"
    add_tickets(db, 1)
    add_tickets(db, 1)
    holder = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys; c = duckdb.connect(':memory:'); "
                               f"c.execute(\"ATTACH '{prev_path(db)}' AS w (READ_ONLY)\"); "
                               "print('open', flush=True); sys.stdin.read()"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "open"
        assert not nobody_has_open(prev_path(db))
    finally:
        holder.communicate("")
    assert nobody_has_open(prev_path(db))


def test_a_spare_that_is_the_live_file_under_a_second_name_is_not_written_into(tmp_path):
    """A crash after the swap kept the old file's second name but before the rename leaves .prev
    and the live warehouse as one file."""
    db = tmp_path / "wh.duckdb"
    add_tickets(db, 3)
    prev_path(db).unlink(missing_ok=True)
    os.link(db, prev_path(db))
    with pytest.raises(RuntimeError):
        with writing(db) as con:
            con.execute("DELETE FROM tickets")
            con.execute("CHECKPOINT")
            raise RuntimeError("crash before the swap")
    assert live_ticket_count(db) == 3


def test_a_crashed_writers_copy_and_log_are_not_replayed(tmp_path):
    db = tmp_path / "wh.duckdb"
    add_tickets(db, 3)
    shutil.copyfile(db, next_path(db))
    junk = duckdb.connect(str(next_path(db)))      # a half-built copy whose writer died
    junk.execute("PRAGMA disable_checkpoint_on_shutdown")
    junk.execute("SET checkpoint_threshold = '1GB'")
    junk.execute("DELETE FROM tickets")
    junk.close()
    assert os.path.exists(str(next_path(db)) + ".wal")
    add_tickets(db, 2)
    assert live_ticket_count(db) == 5


def test_a_reader_never_opens_a_file_while_a_writer_takes_it_for_reuse(tmp_path):
    import fcntl
    import struct
    db = tmp_path / "wh.duckdb"
    add_tickets(db, 1)
    fd = os.open(db, os.O_RDWR)
    try:
        fcntl.fcntl(fd, fcntl.F_OFD_SETLK, struct.pack("hhqqi4x", fcntl.F_WRLCK, os.SEEK_SET, 0, 0, 0))
        with pytest.raises(WarehouseBusy):
            connect_read(db)
    finally:
        os.close(fd)
    assert live_ticket_count(db) == 1


def test_a_warehouse_path_that_cannot_be_opened_is_a_clear_error(tmp_path):
    (tmp_path / "not_a_folder").write_text("x")
    with pytest.raises(WarehouseMissing, match="cannot open the warehouse read-only"):
        connect_read(tmp_path / "not_a_folder" / "wh.duckdb")


def test_without_keeping_the_previous_version_every_write_copies(tmp_path, caplog):
    caplog.set_level(logging.INFO, logger="core.warehouse_files")
    db = tmp_path / "wh.duckdb"
    for n in (1, 2, 4):
        with writing(db, keep_previous=False) as con:
            insert_tickets(con, [ticket("2026-03-01 10:00") for _ in range(n)])
        assert not prev_path(db).exists()
    assert how_prepared(caplog) == ["copied the live file", "copied the live file"]
    assert live_ticket_count(db) == 7
