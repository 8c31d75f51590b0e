"""What a refresh leaves behind about itself: a `refresh_runs` row and the status file.

The status file (config.refresh_status_path, JSON) is what the dashboard's banner reads; it is
written for failures too, so a broken cron job shows on the page, not only in a log.
"""
from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from core.sql_files import run_sql_file

STATUS_OK = "ok"
STATUS_FILES_FAILED = "files_failed"   # the warehouse was refreshed; some inputs went to failed/
STATUS_FAILED = "failed"               # nothing changed in the warehouse


@dataclass
class RunCounts:
    n_files: int = 0
    n_files_loaded: int = 0
    n_files_skipped: int = 0
    n_files_failed: int = 0
    n_rows_read: int = 0
    n_rows_loaded: int = 0
    n_rows_rejected: int = 0
    n_anomalies_new: int | None = None
    n_anomalies_updated: int | None = None
    failed_files: list[str] = field(default_factory=list)


def ensure_refresh_table(con: duckdb.DuckDBPyConnection) -> None:
    run_sql_file(con, "safetyops", "refresh_runs.sql")


def record_run(con: duckdb.DuckDBPyConnection, started_at: dt.datetime, finished_at: dt.datetime,
               counts: RunCounts, status: str, error: str | None) -> None:
    ensure_refresh_table(con)
    params = {k: v for k, v in vars(counts).items() if k != "failed_files"}
    run_sql_file(con, "safetyops", "insert_refresh_run.sql",
                 {**params, "started_at": started_at, "finished_at": finished_at,
                  "status": status, "error": error})


def write_status(path: Path, started_at: dt.datetime, finished_at: dt.datetime, status: str,
                 error: str | None, counts: RunCounts) -> None:
    """Atomically replace the status file (a reader never sees half a JSON document)."""
    doc = {
        "started_at": started_at.isoformat(),
        "finished_at": finished_at.isoformat(),
        "status": status,
        "error": error,
        "files": counts.n_files,
        "files_failed": counts.failed_files,
        "rows_loaded": counts.n_rows_loaded,
        "anomalies_new": counts.n_anomalies_new,
    }
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name("." + path.name + f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps(doc, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def read_status(path: Path) -> dict | None:
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return None
