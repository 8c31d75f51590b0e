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
from pipelines.load_runs import LoadResult

STATUS_OK = "ok"
STATUS_FILES_FAILED = "files_failed"   # the warehouse was refreshed; some inputs went to failed/
STATUS_FAILED = "failed"               # nothing changed in the warehouse


@dataclass
class RunCounts:
    """A refresh's tally. Row counts are its loads' own (one LoadResult per file loaded or skipped
    as already loaded), summed, so the run and its files cannot disagree."""
    n_files: int = 0
    loads: list[LoadResult] = field(default_factory=list)
    failed_files: list[str] = field(default_factory=list)
    n_anomalies_new: int | None = None
    n_anomalies_updated: int | None = None

    @property
    def loaded(self) -> list[LoadResult]:
        return [r for r in self.loads if r.status == "loaded"]

    @property
    def n_files_loaded(self) -> int:
        return len(self.loaded)

    @property
    def n_files_skipped(self) -> int:
        return len(self.loads) - len(self.loaded)

    @property
    def n_files_failed(self) -> int:
        return len(self.failed_files)

    @property
    def n_rows_read(self) -> int:
        return sum(r.rows_read for r in self.loaded)

    @property
    def n_rows_loaded(self) -> int:
        return sum(r.rows_loaded for r in self.loaded)

    @property
    def n_rows_rejected(self) -> int:
        return sum(r.rows_rejected for r in self.loaded)

    def as_row(self) -> dict:
        """The refresh_runs columns these counts fill."""
        return {"n_files": self.n_files, "n_files_loaded": self.n_files_loaded,
                "n_files_skipped": self.n_files_skipped, "n_files_failed": self.n_files_failed,
                "n_rows_read": self.n_rows_read, "n_rows_loaded": self.n_rows_loaded,
                "n_rows_rejected": self.n_rows_rejected, "n_anomalies_new": self.n_anomalies_new,
                "n_anomalies_updated": self.n_anomalies_updated}


def ensure_refresh_table(con: duckdb.DuckDBPyConnection) -> None:
    run_sql_file(con, "safetyops", "refresh_runs.sql")


def record_run(con: duckdb.DuckDBPyConnection, started_at: dt.datetime, finished_at: dt.datetime,
               counts: RunCounts, status: str, error: str | None) -> None:
    ensure_refresh_table(con)
    run_sql_file(con, "safetyops", "insert_refresh_run.sql",
                 {**counts.as_row(), "started_at": started_at, "finished_at": finished_at,
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
