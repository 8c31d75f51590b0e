"""What a load records about itself: its result, its `load_runs` row, the lines the CSV parser
could not split, and whether a file's content was loaded before (by its sha256)."""
from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import duckdb

from pipelines.personal_data import withheld_line
from pipelines.readers import ParserReject


class HashAbandoned(Exception):
    """The load failed before the file's hash was needed."""


@dataclass
class LoadResult:
    path: str
    source: str
    sha256: str
    status: str                          # loaded | skipped
    rows_read: int = 0
    rows_loaded: int = 0
    rows_inserted: int = 0
    rows_updated: int = 0
    rows_stale: int = 0
    rows_rejected: int = 0
    top_reasons: list[tuple[str, int]] = field(default_factory=list)
    hints: list[str] = field(default_factory=list)   # what would load the rejected rows (load_hints.py)
    notes: list[tuple[str, str | None, int]] = field(default_factory=list)
    absent_columns: list[str] = field(default_factory=list)
    missing_fields: list[str] = field(default_factory=list)   # canonical fields the export lacks
    dialect: str | None = None           # a CSV's encoding and delimiter, and whether detected
    seconds: float = 0.0
    load_run_id: int | None = None
    timezone: str | None = None
    file_bytes: int | None = None


def file_sha256(path: Path, abandon: threading.Event | None = None) -> str:
    # One reused buffer: reading a fresh bytes object per block cost three times the hashing itself
    # in page faults and copies (5 CPU-s instead of 1.8 for a 2.3 GB file), taken from the load.
    digest = hashlib.sha256()
    buffer = bytearray(1 << 22)
    view = memoryview(buffer)
    with open(path, "rb", buffering=0) as fh:
        while n_read := fh.readinto(buffer):
            if abandon is not None and abandon.is_set():
                raise HashAbandoned()
            digest.update(view[:n_read])
    return digest.hexdigest()


def may_have_been_loaded(con: duckdb.DuckDBPyConnection, file_bytes: int) -> bool:
    """False when no loaded file had this size (so none had this content)."""
    return bool(con.execute(
        "SELECT count(*) FROM load_runs WHERE status = 'loaded' AND (file_bytes = ? OR file_bytes IS NULL)",
        [file_bytes]).fetchall()[0][0])


def already_loaded(con: duckdb.DuckDBPyConnection, sha256: str) -> bool:
    """A load of this content kept rows (or the file had none). A file whose every row was rejected
    is tried again: its mapping or --timezone was likely wrong, and the user is fixing them."""
    return bool(con.execute("SELECT count(*) FROM load_runs WHERE sha256 = ? AND status = 'loaded' "
                            "AND (rows_loaded > 0 OR rows_read = 0)", [sha256]).fetchall()[0][0])


def record_load_run(con: duckdb.DuckDBPyConnection, r: LoadResult, started_at: datetime) -> None:
    con.execute(
        "INSERT INTO load_runs (load_run_id, path, file_name, sha256, source, rows_read, rows_loaded, "
        "rows_inserted, rows_updated, rows_stale, rows_rejected, started_at, finished_at, status, timezone, "
        "file_bytes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [r.load_run_id, str(Path(r.path).resolve()), Path(r.path).name, r.sha256, r.source, r.rows_read,
         r.rows_loaded, r.rows_inserted, r.rows_updated, r.rows_stale, r.rows_rejected, started_at,
         datetime.now(timezone.utc), r.status, r.timezone, r.file_bytes or Path(r.path).stat().st_size])


def write_parser_rejects(con, load_run_id: int, path: Path, parser_rejects: list[ParserReject]) -> None:
    if parser_rejects:
        con.executemany(
            "INSERT INTO rejected_rows VALUES (?, ?, ?, ?, NULL, NULL, ?)",
            [[load_run_id, path.name, r.line, r.reason, withheld_line(r.raw)] for r in parser_rejects])
