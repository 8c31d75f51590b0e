"""Loading one export file into the warehouse, all or nothing (see _FileTransaction).

For every file: rows read = rows loaded + rows rejected. Loaded rows are upserted by
(source, ticket_id) with the newest updated_at winning; rejected rows go to `rejected_rows` with
their line, reason, column and value. A file whose sha256 was loaded before is skipped.
"""
from __future__ import annotations

import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import duckdb

from core.config import Config
from core.errors import InputError
from core.sql_files import bound_params, run_sql_file
from pipelines import csv_dialect, readers, sql_functions
from pipelines.archives import Export, as_delivered, unpacked
from pipelines.readers import UnreadableFile
from pipelines.load_hints import timestamp_hints
from pipelines.report_footer import FOOTER_NOTE, split_footer
from pipelines.canonical_fields import BY_NAME, missing_field_note
from pipelines.clock_durations import DURATION_FIELDS, clock_columns
from pipelines.load_runs import (LoadResult, already_loaded, file_sha256, may_have_been_loaded, record_load_run,
                                 write_parser_rejects)
from pipelines.mapping import Mapping
from pipelines.personal_data import require_real_key
from pipelines.milestones import apply_first_responses, ingest_milestones
from pipelines.normalize import build_plan
from pipelines.progress import QueryProgress
from pipelines.sources import is_milestone_extract, mapping_for
from pipelines.versions import find_contested_keys, keep_newest_versions


class TimezoneRequired(InputError):
    """A source with local timestamps was given no --timezone."""


def ingest_file(con: duckdb.DuckDBPyConnection, path: str | Path, config: Config, *,
                source: str = "auto", mapping_path: str | None = None, timezone_name: str | None = None,
                force: bool = False, progress: bool = False, encoding: str | None = None,
                delimiter: str | None = None, sheet: str | None = None) -> LoadResult:
    """Load one file inside its own transaction on `con` (a writable warehouse connection).
    `encoding` / `delimiter` override what is detected from the start of a CSV file; `sheet` names
    a workbook's sheet (core/workbooks.py picks the one with the most rows)."""
    require_real_key(config)
    path = Path(path)
    if path.is_dir():
        raise InputError(f"{path}: is a directory; give the export file(s) in it, e.g. {path}/*.csv")
    if not path.is_file():
        raise InputError(f"{path}: file not found")
    started = time.monotonic()
    abandon = threading.Event()
    with ThreadPoolExecutor(max_workers=1) as hashing, unpacked(path, sheet) as export:
        # The sha256 is computed while the file loads. A load that fails stops the hashing, so its
        # error is not held back behind the hash of a multi-GB file. It is the export's, not the
        # archive's: the size it is checked with is the export's, and the same export delivered
        # zipped once and plain once is one load.
        digest = hashing.submit(file_sha256, export.path, abandon)
        try:
            result = _ingest(con, export, config, digest, source, mapping_path, timezone_name, force, progress,
                             encoding, delimiter)
        except InputError as exc:
            abandon.set()
            raise as_delivered(exc, export, path) from exc
        except BaseException:
            abandon.set()
            raise
    if export.path != path and result.load_run_id is not None:
        # load_runs.path is where the file was delivered, not the temporary folder it was read from.
        con.execute("UPDATE load_runs SET path = ? WHERE load_run_id = ?", [str(path.resolve()), result.load_run_id])
    result.seconds = time.monotonic() - started
    return result


def _ingest(con, export: Export, config: Config, digest: Future, source: str, mapping_path: str | None,
            timezone_name: str | None, force: bool, progress: bool, encoding: str | None,
            delimiter: str | None) -> LoadResult:
    path = export.path
    started_at = datetime.now(timezone.utc)
    file_bytes = path.stat().st_size
    # The hash is waited for up front only when a file of this size was loaded before: a file of
    # a new size cannot be a re-load.
    if not force and may_have_been_loaded(con, file_bytes) and already_loaded(con, digest.result()):
        return LoadResult(str(path), source, digest.result(), "skipped", file_bytes=file_bytes)
    if export.sheet is not None:      # (written by us as UTF-8 with commas, whatever --encoding says)
        dialect = replace(csv_dialect.detect(path), sheet=export.sheet)
    else:
        dialect = csv_dialect.detect(path, encoding, delimiter) if readers.file_kind(path) == "csv" else None
    if is_milestone_extract(path, source, dialect):
        return ingest_milestones(con, path, digest.result(), started_at, progress, dialect)
    mapping = mapping_for(path, source, mapping_path, config, dialect)
    if export.sheet is not None:
        mapping = mapping.reading_sheet_dates()
    zone = _zone_for(path, mapping, timezone_name or _configured_zone(mapping, config))
    try:
        return _load_once(con, path, digest, mapping, zone, config, progress, started_at, dialect)
    except (duckdb.InvalidInputException, MixedLineEndings) as exc:
        if dialect is None or not _line_endings_may_be_why(exc):
            raise UnreadableFile(f"{path}: cannot be loaded: {str(exc).splitlines()[0]}") from exc
    # Lines ending in \r\n in one place and \n in another: DuckDB reads every line with the
    # first one's ending, and either stops or rejects the others. Read again from a copy with \n.
    try:
        return _load_once(con, path, digest, mapping, zone, config, progress, started_at,
                          replace(dialect, mixed_line_endings=True))
    except duckdb.InvalidInputException as exc:
        raise UnreadableFile(f"{path}: the CSV parser cannot read this file: {str(exc).splitlines()[0]}") from exc


class MixedLineEndings(Exception):
    """Raised inside a load (so that it rolls back) when the parser's rejects show mixed line endings."""


def _line_endings_may_be_why(exc: Exception) -> bool:
    return isinstance(exc, MixedLineEndings) or "CSV Parser state machine" in str(exc)


def _load_once(con, path: Path, digest: Future, mapping: Mapping, zone: str | None, config: Config, progress: bool,
               started_at: datetime, dialect: csv_dialect.CsvDialect | None) -> LoadResult:
    # Registered outside the file's transactions: the catalog is transactional, and a function
    # registered or removed inside one that rolls back would be out of step with the connection.
    with sql_functions.registered(con, config.hash_key):
        transaction = _FileTransaction(con)
        try:
            with transaction:
                return _load(con, path, digest, mapping, zone, config, progress, started_at, transaction, dialect)
        finally:
            _drop_temp_tables(con)
            con.execute("SET preserve_insertion_order = true")


class _FileTransaction:
    """A file's load, all or nothing, in two DuckDB transactions.

    Deleting even one row that the same transaction inserted makes DuckDB rewrite every row the
    transaction wrote when it commits (+0.85 s per 1M rows, measured): a file with one rejected
    line or one repeated ticket would pay for its whole load twice. So the first transaction only
    inserts the file's rows; the second moves, re-reads and deletes, on committed rows. When the
    second fails, it is rolled back and the rows the first committed are deleted, so a failure
    leaves the warehouse as it was; against a crash in between, the writer's copy-and-swap
    (core/warehouse.py) keeps the live warehouse whole."""

    def __init__(self, con: duckdb.DuckDBPyConnection):
        self.con = con
        self.committed_load_run_id: int | None = None

    def __enter__(self) -> "_FileTransaction":
        self.con.execute("BEGIN TRANSACTION")
        return self

    def commit_inserted_rows(self, load_run_id: int) -> None:
        self.con.execute("COMMIT")
        self.committed_load_run_id = load_run_id
        self.con.execute("BEGIN TRANSACTION")

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.con.execute("COMMIT")
            return
        self.con.execute("ROLLBACK")
        if self.committed_load_run_id is not None:
            self.con.execute("DELETE FROM tickets WHERE load_run_id = ?", [self.committed_load_run_id])


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
        # A zone given for several files applies to those with local times; timestamps that
        # carry their offset (Salesforce, canonical, Zendesk JSON) are read as they say.
        return timezone_name if mapping.timestamps == "naive" else None
    if mapping.needs_timezone:
        raise TimezoneRequired(
            f"{path}: {mapping.name} exports carry local times with no UTC offset; pass "
            "--timezone with the help desk's (or exporting user's) time zone, e.g. --timezone America/Sao_Paulo, "
            "or set it in the config: [ingest.timezones] " f"{mapping.name} = \"America/Sao_Paulo\"")
    return mapping.timezone


def _read(con: duckdb.DuckDBPyConnection, path: Path, mapping: Mapping, dialect,
          progress: bool = False) -> readers.RawInput:
    if mapping.format == "parquet":
        return readers.load_parquet(con, path)
    if mapping.format == "jsonl":
        return readers.load_jsonl(con, path)
    if mapping.format == "zendesk_json":
        return readers.load_zendesk_json(con, path)
    return readers.load_csv(con, path, dialect, progress)


def _load(con, path: Path, digest: Future, mapping: Mapping, zone: str | None, config: Config,
          progress: bool, started_at: datetime, transaction: _FileTransaction,
          dialect: csv_dialect.CsvDialect | None) -> LoadResult:
    """One parallel pass writes every line of the file into `tickets` (loader notes, rule
    rejects and kept text ride along in load_detail); then the few rows that need it are moved
    out or resolved against older versions. Writing once, straight into the table, avoids a
    staged copy that would be written twice (and spill past the writer's memory limit).

    The pass ignores the file's order (keeping it cost a sixth of the load): the rows whose line
    matters, rejected ones and versions that tie within the file, are read again in order."""
    raw = _read(con, path, mapping, dialect, progress)
    try:
        return _load_raw(con, path, digest, mapping, zone, config, progress, started_at, transaction, raw, dialect)
    finally:
        readers.drop_raw_input(con, raw)


def _load_raw(con, path: Path, digest: Future, mapping: Mapping, zone: str | None, config: Config,
              progress: bool, started_at: datetime, transaction: _FileTransaction, raw: readers.RawInput,
              dialect: csv_dialect.CsvDialect | None) -> LoadResult:
    load_run_id = con.execute("SELECT nextval('load_run_ids')").fetchall()[0][0]

    clock_fields = _fields_written_as_clocks(path, dialect, mapping, raw.header)

    def plan_for(reorder: bool):
        return build_plan(mapping, raw.header, zone, config.taxonomy, config.category_aliases,
                          keep_text=config.store_ticket_text, line_expression=readers.line_expression(raw),
                          with_raw_record=raw.numbered, reorder=reorder,
                          number_format=dialect.number_format if dialect is not None else (".", False),
                          clock_fields=clock_fields)
    params = {"source": mapping.name, "load_run_id": load_run_id, "file_name": path.name}
    plan = plan_for(reorder=False)
    # Sources that number their own records (JSON) keep the file's order: their rows carry lines.
    con.execute(f"SET preserve_insertion_order = {'true' if raw.numbered else 'false'}")
    with QueryProgress(con, f"loading {path.name}", enabled=progress):
        n_rows = con.execute(plan.sql, plan.params | bound_params(plan.sql, params)).fetchall()[0][0]
    con.execute("SET preserve_insertion_order = true")     # (after a failure _load_once sets it, past the rollback)
    transaction.commit_inserted_rows(load_run_id)
    if raw.streamed:
        if dialect is not None and not dialect.mixed_line_endings and readers.rejects_show_mixed_line_endings(con):
            raise MixedLineEndings()
        raw.parser_rejects = readers.parser_rejects(con, raw)
    if not raw.numbered:
        _reread_rows_whose_line_matters(con, raw, mapping.name, params, plan_for(reorder=True), path, progress)
    n_rule_rejects = _move_rejected_rows(con, params)
    if raw.numbered:      # (the re-read above found them once the rejected rows were out)
        find_contested_keys(con, mapping.name, load_run_id)
    raw.parser_rejects, n_footer = split_footer(raw.scan_copy or path, "utf-8" if raw.scan_copy else raw.encoding,
                                                raw.parser_rejects)
    write_parser_rejects(con, load_run_id, path, raw.parser_rejects)
    run_sql_file(con, "pipelines", "load_notes.sql", params)
    if n_footer:
        con.execute("INSERT INTO load_notes VALUES (?, ?, NULL, NULL, ?)", [load_run_id, FOOTER_NOTE, n_footer])
    with QueryProgress(con, f"resolving versions in {path.name}", enabled=progress):
        n_stale, n_replaced = keep_newest_versions(con, mapping.name, load_run_id)
    if config.store_ticket_text:
        _move_text(con, params)
    if mapping.name == "salesforce":
        apply_first_responses(con)

    rows_loaded = n_rows - n_rule_rejects
    result = LoadResult(
        path=str(path), source=mapping.name, sha256=digest.result(), status="loaded",
        rows_read=n_rows + len(raw.parser_rejects), rows_loaded=rows_loaded,
        rows_inserted=rows_loaded - n_stale - n_replaced, rows_updated=n_replaced, rows_stale=n_stale,
        rows_rejected=n_rule_rejects + len(raw.parser_rejects),
        load_run_id=load_run_id, timezone=zone, absent_columns=sorted(set(plan.absent_columns)),
    )
    result.top_reasons = [tuple(r) for r in con.execute(
        "SELECT reason, count(*) AS n FROM rejected_rows WHERE load_run_id = ? GROUP BY reason "
        "ORDER BY n DESC, reason LIMIT 5", [load_run_id]).fetchall()]
    result.hints = timestamp_hints(con, load_run_id, mapping) if n_rule_rejects else []
    result.notes = [tuple(r) for r in con.execute(
        "SELECT note, any_value(column_name), sum(n_rows) FROM load_notes WHERE load_run_id = ? "
        "GROUP BY note ORDER BY 3 DESC", [load_run_id]).fetchall()]
    result.missing_fields = mapping.fields_without_data(raw.header)
    result.absent_columns = _absent_alternatives(mapping, result.absent_columns, result.missing_fields)
    result.dialect = dialect.describe() if dialect is not None else None
    _note_missing_fields(con, load_run_id, result.missing_fields, rows_loaded)
    record_load_run(con, result, started_at)
    return result


def _fields_written_as_clocks(path: Path, dialect: csv_dialect.CsvDialect | None, mapping: Mapping,
                              header: list[str]) -> frozenset[str]:
    """The duration fields whose CSV column's sample holds clocks (1:30:00), read as such."""
    if dialect is None:
        return frozenset()
    resolved = {name: [c for wanted in spec.columns if (c := mapping.resolve_column(wanted, header))]
                for name in DURATION_FIELDS if (spec := mapping.fields.get(name)) is not None}
    clocks = clock_columns(path, dialect, {c for cols in resolved.values() for c in cols})
    return frozenset(name for name, cols in resolved.items() if clocks.intersection(cols))


def _absent_alternatives(mapping: Mapping, absent_columns: list[str], missing_fields: list[str]) -> list[str]:
    """The mapped columns not in the file whose field the file still fills from another column:
    a field missing altogether is already named, with what it means, in its own line."""
    of_missing = {c for name in missing_fields for f in (name, *BY_NAME[name].filled_by)
                  if (spec := mapping.fields.get(f)) is not None for c in spec.columns}
    return [c for c in absent_columns if c not in of_missing]


def _note_missing_fields(con: duckdb.DuckDBPyConnection, load_run_id: int, fields: list[str], n_rows: int) -> None:
    """Every canonical field the export does not have, as a load note on all its rows: the Data
    health page shows what a load left blank beside what it rejected."""
    if fields and n_rows:
        con.executemany("INSERT INTO load_notes VALUES (?, ?, ?, NULL, ?)",
                        [[load_run_id, missing_field_note(name), name, n_rows] for name in fields])


# A row the first pass rejected (it waits in tickets until it is moved to rejected_rows).
_IS_REJECTED = "(load_detail->>'reject_reason') IS NOT NULL"


class LoadInconsistent(RuntimeError):
    """The ordered re-read did not bring back the rows it was to replace (nothing is committed)."""


def _reread_rows_whose_line_matters(con: duckdb.DuckDBPyConnection, raw: readers.RawInput, source: str,
                                    params: dict, reorder_plan, path: Path, progress: bool) -> None:
    """Replace this load's rejected rows, and its rows of keys whose versions tie within the file,
    by the same rows read again in file order, with their lines (and rejected rows' raw records).
    Only files with such rows pay for this second, single-threaded pass."""
    by_load = {"load_run_id": params["load_run_id"]}
    con.execute("CREATE OR REPLACE TEMP TABLE ingest_reorder_hashes AS "
                "SELECT CAST(load_detail->>'row_hash' AS UBIGINT) AS row_hash FROM tickets "
                f"WHERE load_run_id = $load_run_id AND {_IS_REJECTED}", by_load)
    n_rejected = con.execute("SELECT count(*) FROM ingest_reorder_hashes").fetchall()[0][0]   # one per row
    if n_rejected:
        # Rejected rows leave before versions are counted: their ticket ids may be placeholders.
        con.execute(f"DELETE FROM tickets WHERE load_run_id = $load_run_id AND {_IS_REJECTED}", by_load)
    n_tied = find_contested_keys(con, source, params["load_run_id"])
    if not n_rejected and not n_tied:
        return
    n_tied_rows = con.execute("DELETE FROM tickets WHERE load_run_id = $load_run_id "
                              "AND ticket_id IN (SELECT ticket_id FROM ingest_tied)", by_load).fetchall()[0][0]
    readers.numbered_view(con, raw)
    with QueryProgress(con, f"finding the lines of {n_rejected + n_tied_rows:,} rows in {path.name}", enabled=progress):
        n_reread = con.execute(reorder_plan.sql,
                               reorder_plan.params | bound_params(reorder_plan.sql, params)).fetchall()[0][0]
    if n_reread != n_rejected + n_tied_rows:
        raise LoadInconsistent(f"{path}: re-reading in file order found {n_reread} rows where the load had "
                               f"{n_rejected} rejected and {n_tied_rows} tied ones; nothing was loaded")


def _move_rejected_rows(con: duckdb.DuckDBPyConnection, params: dict) -> int:
    """Rule-rejected lines go from tickets to rejected_rows, with their line and raw record."""
    n_rejected = con.execute(
        f"SELECT count(*) FROM tickets WHERE load_run_id = $load_run_id AND {_IS_REJECTED}",
        {"load_run_id": params["load_run_id"]}).fetchall()[0][0]
    if n_rejected:
        run_sql_file(con, "pipelines", "move_rejected_rows.sql", params)
    return n_rejected


def _move_text(con: duckdb.DuckDBPyConnection, params: dict) -> None:
    """The config keeps ticket text: the kept versions' subject and description go to
    ticket_text (replacing what an older version left there) and out of load_detail."""
    run_sql_file(con, "pipelines", "move_ticket_text.sql", params)


def _drop_temp_tables(con: duckdb.DuckDBPyConnection) -> None:
    readers.drop_raw_input(con)
    for name in ("ingest_contested", "ingest_tied", "ingest_versions", "ingest_reorder_hashes", "ingest_rejects",
                 "ingest_reject_scans"):
        con.execute(f"DROP TABLE IF EXISTS {name}")
    con.execute("DROP VIEW IF EXISTS ingest_numbered")
