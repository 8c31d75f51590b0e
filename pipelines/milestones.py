"""Salesforce CaseMilestone extracts: the "First Response" milestone's CompletionDate is a case's
first response. Milestones are kept in `case_milestones`, so cases and milestones may arrive in
either order; after either loads, the cases' first_response_at is filled from the milestones."""
from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path

import duckdb

from core.sql_files import run_sql_file
from pipelines import readers
from pipelines.csv_dialect import CsvDialect
from pipelines.load_runs import LoadResult, record_load_run, write_parser_rejects
from pipelines.progress import QueryProgress

SOURCE = "salesforce_milestones"
COLUMNS = {"case_id": "caseid", "milestone_name": "milestonetype.name", "completed_at": "completiondate",
           "target_at": "targetdate", "is_violated": "isviolated"}


def ingest_milestones(con: duckdb.DuckDBPyConnection, path: Path, sha: str, started_at: datetime,
                      progress: bool, dialect: CsvDialect | None = None):
    started = time.monotonic()
    raw = None
    try:
        with QueryProgress(con, f"reading {path.name}", enabled=progress):
            raw = readers.load_csv(con, path, dialect)
        by_lower = {h.strip().lower(): h for h in raw.header}
        select = ", ".join(
            f"NULLIF(trim({readers.quote_ident(by_lower[c])}), '') AS {name}" if c in by_lower
            else f"CAST(NULL AS VARCHAR) AS {name}" for name, c in COLUMNS.items())
        con.execute(f"CREATE OR REPLACE TEMP TABLE milestone_rows AS SELECT {readers.line_expression(raw)} "
                    f"AS line_number, {select} FROM raw_input")
        raw.parser_rejects = readers.parser_rejects(con, raw)
        readers.number_rows(con, raw, "milestone_rows", "milestone_raw")
        # Only the temp tables above exist so far; the warehouse changes from here on, in one
        # transaction (the rows above were committed first so that their positions number them).
        con.execute("BEGIN TRANSACTION")
        try:
            load_run_id = con.execute("SELECT nextval('load_run_ids')").fetchall()[0][0]
            params = {"load_run_id": load_run_id, "file_name": path.name}
            run_sql_file(con, "pipelines", "load_milestones.sql", params)
            write_parser_rejects(con, load_run_id, path, raw.parser_rejects)
            n_read, n_rejected = con.execute(
                "SELECT count(*), count(*) FILTER (WHERE reject_reason IS NOT NULL) FROM milestone_checked").fetchall()[0]
            apply_first_responses(con)
            result = LoadResult(
                path=str(path), source=SOURCE, sha256=sha, status="loaded",
                rows_read=n_read + len(raw.parser_rejects), rows_loaded=n_read - n_rejected,
                rows_inserted=n_read - n_rejected, rows_rejected=n_rejected + len(raw.parser_rejects),
                load_run_id=load_run_id)
            result.top_reasons = [tuple(r) for r in con.execute(
                "SELECT reason, count(*) n FROM rejected_rows WHERE load_run_id = ? GROUP BY reason ORDER BY n DESC",
                [load_run_id]).fetchall()]
            record_load_run(con, result, started_at)
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    finally:
        readers.drop_raw_input(con, raw)
        con.execute("DROP VIEW IF EXISTS milestone_raw")
        for t in ("milestone_rows", "milestone_checked", "ingest_rejects", "ingest_reject_scans"):
            con.execute(f"DROP TABLE IF EXISTS {t}")
    result.seconds = time.monotonic() - started
    return result


def apply_first_responses(con: duckdb.DuckDBPyConnection) -> None:
    run_sql_file(con, "pipelines", "apply_first_responses.sql")
