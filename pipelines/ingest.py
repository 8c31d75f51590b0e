"""Loading one export file into the warehouse, in one transaction.

For every file: rows read = rows loaded + rows rejected. Loaded rows are upserted by
(source, ticket_id) with the newest updated_at winning; rejected rows go to `rejected_rows` with
their line, reason, column and value. A file whose sha256 was loaded before is skipped.
"""
from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import duckdb

from pipelines import readers
from pipelines.config import Config
from pipelines.errors import InputError
from pipelines.mapping import Mapping
from pipelines.normalize import build_plan
from pipelines.progress import QueryProgress
from pipelines.sources import is_milestone_extract, mapping_for
from pipelines.sql_files import run_sql_file


class TimezoneRequired(InputError):
    """A source with local timestamps was given no --timezone."""


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
    notes: list[tuple[str, str | None, int]] = field(default_factory=list)
    absent_columns: list[str] = field(default_factory=list)
    seconds: float = 0.0
    load_run_id: int | None = None
    timezone: str | None = None


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def already_loaded(con: duckdb.DuckDBPyConnection, sha256: str) -> bool:
    return bool(con.execute("SELECT count(*) FROM load_runs WHERE sha256 = ? AND status = 'loaded'",
                            [sha256]).fetchall()[0][0])


def ingest_file(con: duckdb.DuckDBPyConnection, path: str | Path, config: Config, *,
                source: str = "auto", mapping_path: str | None = None, timezone_name: str | None = None,
                force: bool = False, progress: bool = False) -> LoadResult:
    """Load one file inside its own transaction on `con` (a writable warehouse connection)."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: file not found")
    started = time.monotonic()
    started_at = datetime.now(timezone.utc)
    sha = file_sha256(path)
    if not force and already_loaded(con, sha):
        return LoadResult(str(path), source, sha, "skipped", seconds=time.monotonic() - started)
    if is_milestone_extract(path, source):
        from pipelines.milestones import ingest_milestones
        return ingest_milestones(con, path, sha, started_at, progress)
    mapping = mapping_for(path, source, mapping_path, config)
    zone = _zone_for(path, mapping, timezone_name or _configured_zone(mapping, config))
    try:
        # Normalising fills temp tables only, so it runs before the warehouse transaction: rows
        # committed there are numbered by position, which is how they get their line numbers.
        staged = _normalise(con, path, mapping, zone, config, progress)
        con.execute("BEGIN TRANSACTION")
        try:
            result = _load(con, path, sha, mapping, zone, config, progress, started_at, staged)
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    finally:
        _drop_temp_tables(con)
    result.seconds = time.monotonic() - started
    return result


def _configured_zone(mapping: Mapping, config: Config) -> str | None:
    """The config's zone for this source's naive timestamps ([ingest.timezones], then [ingest])."""
    if not mapping.needs_timezone:
        return None
    return config.ingest_timezones.get(mapping.name) or config.ingest_timezone


def _zone_for(path: Path, mapping: Mapping, timezone_name: str | None) -> str | None:
    if timezone_name:
        try:
            ZoneInfo(timezone_name)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise InputError(f"--timezone {timezone_name!r} is not a known IANA zone "
                             "(e.g. America/Sao_Paulo, Europe/Dublin, UTC)") from exc
        return timezone_name
    if mapping.needs_timezone:
        raise TimezoneRequired(
            f"{path}: {mapping.name} exports carry local times with no UTC offset; pass "
            "--timezone with the help desk's (or exporting user's) time zone, e.g. --timezone America/Sao_Paulo, "
            "or set it in the config: [ingest.timezones] " f"{mapping.name} = \"America/Sao_Paulo\"")
    return mapping.timezone


def _read(con: duckdb.DuckDBPyConnection, path: Path, mapping: Mapping) -> readers.RawInput:
    if mapping.format == "parquet":
        return readers.load_parquet(con, path)
    if mapping.format == "jsonl":
        return readers.load_jsonl(con, path)
    if mapping.format == "zendesk_json":
        return readers.load_zendesk_json(con, path)
    return readers.load_csv(con, path)


@dataclass
class _Staged:
    """A file read and normalised into the temp view `ingest_checked`, not yet in the warehouse."""
    raw: readers.RawInput
    absent_columns: list[str]


def _normalise(con, path: Path, mapping: Mapping, zone: str | None, config: Config, progress: bool) -> _Staged:
    raw = _read(con, path, mapping)
    plan = build_plan(mapping, raw.header, zone, config.hash_key, config.taxonomy, config.category_aliases,
                      keep_text=config.store_ticket_text, line_expression=readers.line_expression(raw))
    con.execute("SET preserve_insertion_order = true")   # line numbers come from row positions
    with QueryProgress(con, f"reading and normalising {path.name}", enabled=progress):
        con.execute(plan.sql, plan.params)
    if raw.streamed:
        raw.parser_rejects = readers.parser_rejects(con)
    readers.number_rows(con, raw, "ingest_normalised", "ingest_checked")
    return _Staged(raw, sorted(set(plan.absent_columns)))


def _load(con, path: Path, sha: str, mapping: Mapping, zone: str | None, config: Config,
          progress: bool, started_at: datetime, staged: _Staged) -> LoadResult:
    raw = staged.raw
    load_run_id = con.execute("SELECT nextval('load_run_ids')").fetchall()[0][0]
    _write_rejects(con, load_run_id, path, raw.parser_rejects)
    params = {"source": mapping.name, "load_run_id": load_run_id}
    with QueryProgress(con, f"upserting {path.name}", enabled=progress):
        run_sql_file(con, "pipelines", "stage_accepted.sql", params)
        n_inserted, n_updated, n_stale_wh = con.execute("SELECT * FROM ingest_counts").fetchall()[0]
        run_sql_file(con, "pipelines", "upsert_tickets.sql", params)
    if config.store_ticket_text:
        _store_text(con, mapping.name)
    run_sql_file(con, "pipelines", "load_notes.sql", params)
    if mapping.name == "salesforce":
        from pipelines.milestones import apply_first_responses
        apply_first_responses(con)

    n_checked, n_rejected_rules = con.execute(
        "SELECT count(*), count(*) FILTER (WHERE reject_reason IS NOT NULL) FROM ingest_checked").fetchall()[0]
    rows_rejected = n_rejected_rules + len(raw.parser_rejects)
    rows_loaded = n_checked - n_rejected_rules
    n_latest = con.execute("SELECT count(*) FROM ingest_latest").fetchall()[0][0]
    result = LoadResult(
        path=str(path), source=mapping.name, sha256=sha, status="loaded",
        rows_read=n_checked + len(raw.parser_rejects), rows_loaded=rows_loaded,
        rows_inserted=n_inserted, rows_updated=n_updated,
        rows_stale=n_stale_wh + (rows_loaded - n_latest), rows_rejected=rows_rejected,
        load_run_id=load_run_id, timezone=zone, absent_columns=staged.absent_columns,
    )
    result.top_reasons = [tuple(r) for r in con.execute(
        "SELECT reason, count(*) AS n FROM rejected_rows WHERE load_run_id = ? GROUP BY reason "
        "ORDER BY n DESC, reason LIMIT 5", [load_run_id]).fetchall()]
    result.notes = [tuple(r) for r in con.execute(
        "SELECT note, any_value(column_name), sum(n_rows) FROM load_notes WHERE load_run_id = ? "
        "GROUP BY note ORDER BY 3 DESC", [load_run_id]).fetchall()]
    record_load_run(con, result, started_at)
    return result


def record_load_run(con: duckdb.DuckDBPyConnection, r: LoadResult, started_at: datetime) -> None:
    con.execute(
        "INSERT INTO load_runs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [r.load_run_id, str(Path(r.path).resolve()), Path(r.path).name, r.sha256, r.source, r.rows_read,
         r.rows_loaded, r.rows_inserted, r.rows_updated, r.rows_stale, r.rows_rejected, started_at,
         datetime.now(timezone.utc), r.status, r.timezone])


def _write_rejects(con, load_run_id: int, path: Path, parser_rejects: list[readers.ParserReject]) -> None:
    """Parser rejects and rule rejects; the raw record was redacted by the normalising statement."""
    if parser_rejects:
        con.executemany(
            "INSERT INTO rejected_rows VALUES (?, ?, ?, ?, NULL, NULL, ?)",
            [[load_run_id, path.name, r.line, r.reason, _redacted_line(r.raw)] for r in parser_rejects])
    con.execute(
        """INSERT INTO rejected_rows
           SELECT $load_run_id, $file_name, line_number, reject_reason, reject_column, reject_value, raw_record
           FROM ingest_checked WHERE reject_reason IS NOT NULL""",
        {"load_run_id": load_run_id, "file_name": path.name})


def _redacted_line(line: str) -> str:
    """A line the parser could not split cannot be redacted field by field: keep its length only
    when it holds an e-mail address, else the text (it carries no ticket text column boundaries)."""
    return f"<{len(line)} characters withheld: contains an e-mail address>" if "@" in line else line[:4000]


def _store_text(con: duckdb.DuckDBPyConnection, source: str) -> None:
    con.execute("DELETE FROM ticket_text AS t USING ingest_latest AS s "
                "WHERE t.source = $source AND t.ticket_id = s.ticket_id", {"source": source})
    con.execute("INSERT INTO ticket_text SELECT $source, ticket_id, subject, description FROM ingest_latest "
                "WHERE subject IS NOT NULL OR description IS NOT NULL", {"source": source})


def _drop_temp_tables(con: duckdb.DuckDBPyConnection) -> None:
    readers.drop_raw_input(con)
    con.execute("DROP VIEW IF EXISTS ingest_latest")
    con.execute("DROP VIEW IF EXISTS ingest_checked")
    for name in ("ingest_normalised", "ingest_superseded", "ingest_counts", "ingest_rejects", "ingest_reject_scans"):
        con.execute(f"DROP TABLE IF EXISTS {name}")
