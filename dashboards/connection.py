"""Read-only access to the live warehouse that follows the refresh's atomic swaps.

The refresh builds a new file and `os.replace`s it over the live one. An open connection keeps
reading the old inode, so every borrow compares `file_version()` and opens the new file when it
changed. The old connection is closed once the last request using it has finished: closing a
DuckDB connection also kills cursors derived from it.

Each file version gets its own DuckDB instance (`connect_read` attaches the file to a fresh
in-memory database); cursors need the catalog and settings again, hence `configure_cursor`.
"""
from __future__ import annotations

import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import duckdb

from core.warehouse import WAREHOUSE_ALIAS, FileVersion, WarehouseMissing, connect_read, file_version
from metrics.facts import pinned_facts

_ALIAS = WAREHOUSE_ALIAS


def open_version(db_path: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection to whatever file is at db_path now (its own DuckDB instance)."""
    try:
        return connect_read(db_path)
    except duckdb.IOException as exc:
        raise WarehouseMissing(f"{db_path}: cannot open the warehouse read-only: {exc}") from exc


def configure_cursor(cur: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """Per-connection settings, as core.warehouse sets them for its own connections."""
    cur.execute(f"USE {_ALIAS}")
    cur.execute("SET TimeZone = 'UTC'")
    cur.execute("SET enable_progress_bar = false")
    return cur


class _Opened:
    def __init__(self, con: duckdb.DuckDBPyConnection, version: FileVersion):
        self.con = con
        self.version = version
        self.borrowers = 0
        self.retired = False
        # facts about this file version looked up once (metrics.facts.pinned_facts): it never changes
        self.facts: dict = {}


class WarehouseConnections:
    """One read-only connection per warehouse file version, shared by the threads of a process."""

    def __init__(self, db_path: Path):
        self.db_path = Path(db_path)
        self._lock = threading.Lock()
        self._current: _Opened | None = None

    def version(self) -> FileVersion | None:
        return file_version(self.db_path)

    @contextmanager
    def cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor on the newest warehouse file; raises WarehouseMissing when there is none."""
        opened = self._borrow()
        try:
            cur = configure_cursor(opened.con.cursor())
        except BaseException:
            self._give_back(opened)
            raise
        try:
            with pinned_facts(opened.facts):
                yield cur
        finally:
            cur.close()
            self._give_back(opened)

    def close(self) -> None:
        with self._lock:
            if self._current is not None:
                self._current.retired = True
                if self._current.borrowers == 0:
                    self._current.con.close()
                self._current = None

    def _borrow(self) -> _Opened:
        with self._lock:
            version = file_version(self.db_path)
            if version is None:
                raise WarehouseMissing(f"{self.db_path}: no warehouse yet; run `safetyops ingest` "
                                       "or `safetyops refresh` first")
            if self._current is None or self._current.version != version:
                self._retire_current()
                self._current = _Opened(open_version(self.db_path), version)
            self._current.borrowers += 1
            return self._current

    def _give_back(self, opened: _Opened) -> None:
        with self._lock:
            opened.borrowers -= 1
            if opened.retired and opened.borrowers == 0:
                opened.con.close()

    def _retire_current(self) -> None:
        if self._current is None:
            return
        self._current.retired = True
        if self._current.borrowers == 0:
            self._current.con.close()
        self._current = None
