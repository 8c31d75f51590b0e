"""The first write after a rebuild copies the whole warehouse file and flushes that copy to disk on
a thread while the write goes on (core/warehouse_files.EarlyFlush). The flush's failure (a full disk
at writeback) fails the write before the swap; a write killed while it flushes leaves the live
warehouse as it was."""
from __future__ import annotations

import errno
import logging
import os
import signal
import subprocess
import sys
import textwrap

import pytest

from core.warehouse import connect_read, next_path, prev_path, writing
from tests.conftest import REPO
from tests.ticket_factory import insert_tickets, ticket


def rebuilt(db, n: int) -> None:
    """A full rebuild into a new warehouse: no replaced version is left for the next write."""
    with writing(db, fresh=True) as con:
        insert_tickets(con, [ticket("2026-03-01 10:00") for _ in range(n)])
    assert not prev_path(db).exists()


def live_ticket_count(db) -> int:
    reader = connect_read(db)
    try:
        return reader.execute("SELECT count(*) FROM tickets").fetchall()[0][0]
    finally:
        reader.close()


def full_disk(fd):
    raise OSError(errno.ENOSPC, "No space left on device")


def test_the_first_write_after_a_rebuild_copies_flushes_and_swaps_in(tmp_path, caplog):
    caplog.set_level(logging.INFO, logger="core.warehouse_files")
    db = tmp_path / "wh.duckdb"
    rebuilt(db, 3)
    flushed = []
    real_fsync = os.fsync

    def recording_fsync(fd):
        flushed.append(os.readlink(f"/proc/self/fd/{fd}"))
        real_fsync(fd)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(os, "fsync", recording_fsync)
        with writing(db) as con:
            insert_tickets(con, [ticket("2026-03-02 10:00") for _ in range(2)])
    assert [r.getMessage().split(": ", 1)[1] for r in caplog.records] == ["copied the live file"]
    # the copy flushed beside the write, then the swap's fsync of the file and of its folder
    assert flushed == [str(next_path(db)), str(next_path(db)), str(tmp_path)]
    assert live_ticket_count(db) == 5
    assert not next_path(db).exists()


def test_a_flush_that_fails_fails_the_write_before_the_swap(tmp_path, monkeypatch):
    db = tmp_path / "wh.duckdb"
    rebuilt(db, 3)

    monkeypatch.setattr(os, "fsync", full_disk)
    with pytest.raises(OSError) as failure, writing(db) as con:
        insert_tickets(con, [ticket("2026-03-02 10:00") for _ in range(2)])
    monkeypatch.undo()
    assert failure.value.errno == errno.ENOSPC
    assert not next_path(db).exists()          # removed: it was never swapped in
    assert live_ticket_count(db) == 3


def test_the_writes_own_error_is_reported_rather_than_the_flushs(tmp_path, monkeypatch):
    db = tmp_path / "wh.duckdb"
    rebuilt(db, 3)

    monkeypatch.setattr(os, "fsync", full_disk)
    with pytest.raises(RuntimeError, match="the load's own error"), writing(db) as con:
        insert_tickets(con, [ticket("2026-03-02 10:00")])
        raise RuntimeError("the load's own error")
    monkeypatch.undo()
    assert not next_path(db).exists()
    assert live_ticket_count(db) == 3


KILLED_CHILD = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from core.warehouse import writing
    from tests.ticket_factory import insert_tickets, ticket
    with writing(Path(sys.argv[1])) as con:
        insert_tickets(con, [ticket("2026-03-02 10:00") for _ in range(5)])
        con.execute("CHECKPOINT")
        print("inside", flush=True)
        time.sleep(60)
""")


def test_a_write_killed_after_the_copy_leaves_the_live_warehouse_whole(tmp_path):
    db = tmp_path / "wh.duckdb"
    rebuilt(db, 3)
    child = subprocess.Popen([sys.executable, "-c", KILLED_CHILD, str(db)], cwd=REPO, stdout=subprocess.PIPE,
                             text=True, env={**os.environ, "PYTHONPATH": str(REPO)})
    try:
        assert child.stdout.readline().strip() == "inside"
        assert next_path(db).exists()          # the copy is being written into
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    assert live_ticket_count(db) == 3
    with writing(db) as con:                   # the next write starts over from the live file
        insert_tickets(con, [ticket("2026-03-03 10:00")])
    assert live_ticket_count(db) == 4
    assert not next_path(db).exists()
