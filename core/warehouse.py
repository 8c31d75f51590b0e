"""The DuckDB warehouse file: opening it to read, and changing it safely.

Only one process may write a DuckDB file, and a writer keeps readers out. So a change never
touches the live file: `writing()` takes the writer lock, copies the live file to `<db>.next`,
hands out a connection to the copy, and on success checkpoints it and swaps it in with
`os.replace`. A crash at any moment leaves the live file as it was. Readers (the web app) open
the live file read-only and reopen when it changes. The replaced file stays as `<db>.prev`, for
the next writer to copy into cheaply (core/warehouse_files.py).
"""
from __future__ import annotations

import os
import time
import weakref
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import duckdb
from filelock import FileLock, Timeout

from core.errors import NotWritable, SafetyopsError, is_read_only_error
from core.sql_files import sql_text
from core.upgrades import DESK_MINUTES_FIELDS, upgrade_stored_data  # noqa: F401  (DESK_MINUTES_FIELDS re-exported)
from core.warehouse_files import (EarlyFlush, LockConflict, hold_read_lock, prepare_working_copy,
                                       remove_quietly, swap_in)

SCHEMA_VERSION = "1"
WAREHOUSE_ALIAS = "warehouse"   # the catalog name read-only connections attach the file under
DEFAULT_WRITER_MEMORY = os.environ.get("SAFETYOPS_WRITER_MEMORY", "1GB")
# SAFETYOPS_KEEP_PREVIOUS=0: no <db>.prev, for a disk that cannot hold the warehouse twice (every
# write then copies the whole file).
KEEP_PREVIOUS = os.environ.get("SAFETYOPS_KEEP_PREVIOUS", "1").strip().lower() not in ("0", "false", "no")


class WarehouseBusy(SafetyopsError):
    """Another process holds the writer lock."""

    exit_code = 75  # EX_TEMPFAIL: try again later


class WarehouseMissing(SafetyopsError):
    """The warehouse file does not exist yet (nothing was loaded)."""


def _configure(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    con.execute("SET TimeZone = 'UTC'")
    con.execute("SET enable_progress_bar = false")
    return con


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(sql_text("core", "schema.sql"))
    upgrade_stored_data(con)
    con.execute("DELETE FROM warehouse_meta WHERE key = 'schema_version'")
    con.execute("INSERT INTO warehouse_meta VALUES ('schema_version', ?)", [SCHEMA_VERSION])


def connect_memory() -> duckdb.DuckDBPyConnection:
    """An in-memory warehouse with the schema, for tests and one-off evaluations."""
    con = _configure(duckdb.connect())
    ensure_schema(con)
    return con


_SWAPS_TOLERATED = 5   # connect_read's tries when writes keep swapping or checking the file


def connect_read(db_path: Path) -> duckdb.DuckDBPyConnection:
    """Open the live warehouse read-only. Safe while a writer builds the next one beside it.

    The file is ATTACHed to a fresh in-memory database rather than opened with connect(path):
    DuckDB's Python module caches one database instance per path, so connect(path) while an older
    connection is open would hand back the file from before the last swap. The connection holds a
    read lock on its file for as long as it lives, so no writer reuses that file.
    """
    db_path = Path(db_path)
    for _ in range(_SWAPS_TOLERATED):
        try:
            fd = hold_read_lock(db_path)
        except FileNotFoundError:
            raise WarehouseMissing(f"{db_path}: no warehouse yet; run `safetyops ingest` or "
                                   "`safetyops refresh` first") from None
        except LockConflict:          # a writer is deciding whether it may reuse this file
            time.sleep(0.01)
            continue
        except OSError as exc:        # as DuckDB's own refusal to open it is reported (dashboards.connection)
            raise WarehouseMissing(f"{db_path}: cannot open the warehouse read-only: {exc}") from exc
        con = _configure(duckdb.connect(":memory:"))
        try:
            con.execute(f"ATTACH ? AS {WAREHOUSE_ALIAS} (READ_ONLY)", [str(db_path)])
            if _same_file(fd, db_path):   # else a swap came between the lock and the ATTACH
                con.execute(f"USE {WAREHOUSE_ALIAS}")
                weakref.finalize(con, os.close, fd)
                return con
        except BaseException:
            con.close()
            os.close(fd)
            raise
        con.close()
        os.close(fd)
    raise WarehouseBusy(f"{db_path}: a write kept swapping or checking the file while it was being opened "
                        f"({_SWAPS_TOLERATED} tries); try again")


def _same_file(fd: int, path: Path) -> bool:
    try:
        return os.path.samestat(os.fstat(fd), os.stat(path))
    except FileNotFoundError:
        return False


def lock_path(db_path: Path) -> Path:
    return Path(str(db_path) + ".lock")


def next_path(db_path: Path) -> Path:
    return Path(str(db_path) + ".next")


def prev_path(db_path: Path) -> Path:
    return Path(str(db_path) + ".prev")


@dataclass(frozen=True)
class FileVersion:
    """Identifies one swapped-in warehouse file; changes on every swap."""
    inode: int
    mtime_ns: int
    size: int


def file_version(db_path: Path) -> FileVersion | None:
    try:
        st = os.stat(db_path)
    except FileNotFoundError:
        return None
    return FileVersion(st.st_ino, st.st_mtime_ns, st.st_size)


@contextmanager
def writer_lock(db_path: Path, timeout: float = -1) -> Iterator[None]:
    """Hold the single-writer lock. flock-based: a killed holder releases it automatically.

    timeout < 0 waits forever, 0 fails at once, > 0 waits that many seconds.
    """
    lock = FileLock(str(lock_path(db_path)), timeout=timeout)
    try:
        Path(db_path).parent.mkdir(parents=True, exist_ok=True)
        lock.acquire()
    except Timeout as exc:
        raise WarehouseBusy(f"{db_path}: another safetyops process is writing "
                            f"(lock {lock_path(db_path)} is held)") from exc
    except OSError as exc:
        if is_read_only_error(exc):
            raise NotWritable(f"{lock_path(db_path)}: cannot take the writer lock ({exc.strerror}); the "
                              "warehouse folder must be writable. Nothing was changed.") from exc
        raise
    try:
        yield
    finally:
        lock.release()


@contextmanager
def writing(db_path: Path, timeout: float = -1, fresh: bool = False,
            memory_limit: str | None = DEFAULT_WRITER_MEMORY,
            keep_previous: bool | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """Build the next warehouse beside the live one and swap it in when the block succeeds.

    `fresh=True` starts from an empty warehouse instead of a copy (a full rebuild).
    `memory_limit` caps DuckDB's buffers for the load (it spills to `<db>.next.tmp` beyond it), so
    a 10M-row file loads in bounded memory next to a running dashboard.
    `keep_previous` (default SAFETYOPS_KEEP_PREVIOUS, on) keeps the replaced file as `<db>.prev`.
    """
    db_path = Path(db_path)
    with writer_lock(db_path, timeout):
        nxt = next_path(db_path)
        remove_quietly(Path(str(nxt) + ".wal"))    # a crashed writer's log: DuckDB would replay it
        con = None
        flush = None
        # Everything from the copy on is inside the clean-up: a full disk halfway through the copy
        # must not leave a partial <db>.next behind, keeping the disk full.
        try:
            try:
                if db_path.exists() and not fresh:
                    if prepare_working_copy(db_path, nxt, prev_path(db_path)):
                        flush = EarlyFlush(nxt)
                else:
                    remove_quietly(nxt)
                con = _configure(duckdb.connect(str(nxt)))
            except OSError as exc:
                if is_read_only_error(exc):
                    raise NotWritable(f"{db_path.parent}: cannot write the next warehouse here "
                                      f"({exc.strerror}); ingest, detect and refresh need this folder "
                                      "writable. Nothing was changed.") from exc
                raise
            # The copy is made durable once, by the fsync before the swap. DuckDB's own fsyncs at
            # each commit and checkpoint would protect a file that a crash discards anyway (0.1 s
            # of a 100k-row load into 10M rows).
            con.execute("SET fsync_mode = 'NONE'")
            if memory_limit:
                con.execute(f"SET memory_limit = '{_checked_size(memory_limit)}'")
            ensure_schema(con)
            yield con
            con.execute("CHECKPOINT")
            if flush is not None:
                flush.wait()
        except BaseException:
            if con is not None:
                con.close()
            if flush is not None:
                _settle_quietly(flush)
            remove_quietly(nxt)
            raise
        con.close()
        keep = KEEP_PREVIOUS if keep_previous is None else keep_previous
        swap_in(nxt, db_path, prev_path(db_path), keep_replaced=keep)


def _settle_quietly(flush: EarlyFlush) -> None:
    """The write failed already: its own error is the one to report, not the flush's."""
    try:
        flush.wait()
    except OSError:
        pass


def _checked_size(text: str) -> str:
    """A DuckDB size like '1GB' or '800MB' (it is formatted into SET, so only digits and a unit)."""
    import re
    if not re.fullmatch(r"\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)", text.strip()):
        raise ValueError(f"memory limit {text!r} must look like 1GB or 800MB")
    return text.strip()
