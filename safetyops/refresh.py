"""`safetyops refresh`: the unattended job cron runs every N minutes.

One run: take the inbox files (sorted by name), load each, update the marts (only the months the
loads touched, metrics.mart_update.update_marts) and run detection,
all inside ONE `writing()` block, so the dashboard sees either the old warehouse or the complete
new one. Only after the new file is swapped in are the inputs moved (archive/<date>/ or failed/
with a reason), so:
  - a crash (kill -9) before the swap leaves the live warehouse as it was and every input still
    in the inbox, to be taken again next run;
  - a crash after the swap but before the moves leaves inputs whose sha256 is now recorded, so the
    next run skips them as duplicates and archives them: nothing is lost or counted twice.
Then (Mondays, or --report) the weekly report is written from a read-only connection, and new
high/critical anomalies go to the webhook. A webhook failure is logged, never fatal.
Only after the swap are this run's new alerts recorded as reported (the triage store's `seen`,
outside the warehouse): a run killed before then leaves them unreported, and the next run announces
and posts them. With a webhook, the message is queued in the same SQLite transaction that records
them (safetyops/webhook_outbox.py), then posted, then marked delivered: a run killed between the
post and that mark leaves it pending, and the next run posts it again, the same bytes under the
same Idempotency-Key, so the receiver can drop the copy. At least once, never lost.

Test hook: safetyops/pause_points.py (a step where a test can stop the job and SIGKILL it).
Steps, in order: locked, loaded, marts, detected, recorded, swapped, moved; and "posted" (after a
webhook post, before its outcome is recorded), reached only when a message is posted.
"""
from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb

from anomaly.calendar import CalendarError
from anomaly.settings import SettingsError, settings_from_config
from anomaly.warehouse_detection import load_events, run_detection
from core.config import Config, ConfigError
from core.errors import SafetyopsError
from core.warehouse import WarehouseBusy, connect_read, writing
from dashboards.report.build import default_week, write_weekly_report
from metrics.facts import as_of
from metrics.mart_update import update_marts
from pipelines.ingest import ingest_file
from pipelines.load_runs import LoadResult
from pipelines.personal_data import require_real_key
from safetyops import inbox as inbox_mod
from safetyops.alert_delivery import mark_reported, notify, recent_only
from safetyops.pause_points import pause_point
from safetyops.refresh_record import (STATUS_FAILED, STATUS_FILES_FAILED, STATUS_OK, RunCounts,
                                      ensure_refresh_table, record_run, write_status)
from safetyops.webhook import PostResult

log = logging.getLogger("safetyops.refresh")

# Errors that belong to one input file (move it to failed/ and go on). Anything else (disk full,
# a bug) aborts the whole run with the warehouse untouched and the inputs left in the inbox.
FILE_ERRORS = (SafetyopsError, UnicodeError, duckdb.InvalidInputException, duckdb.ConversionException,
               PermissionError)


class RefreshFailed(SafetyopsError):
    """The refresh did not complete; the live warehouse is unchanged, inputs are still in the inbox."""


class RefreshMisconfigured(RefreshFailed):
    """The configuration cannot work (a missing inbox, a bad [detection] key or calendar): the run
    is refused before it takes the lock, as a configuration error."""

    exit_code = 2


class InputsFailed(SafetyopsError):
    """The warehouse was refreshed, but some input files could not be loaded (moved to failed/)."""

    exit_code = 65   # EX_DATAERR


class AfterSwapFailed(SafetyopsError):
    """The warehouse was refreshed, but a later step (archiving inputs, the report) failed."""


@dataclass
class FileOutcome:
    path: Path
    status: str                      # loaded | skipped | failed
    error: str | None = None
    result: LoadResult | None = None
    moved_to: Path | None = None


@dataclass
class RefreshSummary:
    started_at: dt.datetime
    finished_at: dt.datetime | None = None
    status: str = STATUS_OK
    error: str | None = None
    counts: RunCounts = field(default_factory=RunCounts)
    files: list[FileOutcome] = field(default_factory=list)
    new_high_or_critical: list[dict] = field(default_factory=list)
    unreported_ids: list[str] = field(default_factory=list)   # new alerts, recorded after the post
    continued: dict[str, str] = field(default_factory=dict)   # alerts continuing a reported one
    report_path: Path | None = None
    webhook: PostResult | None = None


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def run_refresh(config: Config, *, inbox: Path | None = None, report: bool | None = None,
                progress: bool = False, lock_timeout: float = 0) -> RefreshSummary:
    """Run one refresh. `report=None` writes the report on config.report_weekday only.

    Raises WarehouseBusy (another writer holds the lock; nothing done), RefreshFailed,
    InputsFailed or AfterSwapFailed; each carries `.summary` when the run got the lock.
    """
    summary = RefreshSummary(started_at=utc_now())
    inbox_dir = Path(inbox or config.inbox_dir)
    try:
        check_before_start(config, inbox_dir)
    except SafetyopsError as exc:
        _fail(config, summary, exc)
        raise _attach(RefreshMisconfigured(f"refresh not started, nothing changed: {exc}"), summary) from exc
    files = inbox_mod.inbox_files(inbox_dir)
    if files:
        require_real_key(config)   # refused up front: the files stay in the inbox
    summary.counts.n_files = len(files)
    log.info("refresh started: %d file(s) in %s, warehouse %s", len(files), inbox_dir,
             config.db_path)
    try:
        with writing(config.db_path, timeout=lock_timeout, **writer_memory(config)) as con:
            pause_point("locked")
            _build_next(con, config, files, summary, progress)
            pause_point("recorded")
    except WarehouseBusy:
        log.error("another refresh or ingest is writing %s; exiting without doing anything", config.db_path)
        raise
    except BaseException as exc:   # noqa: BLE001 - record, then re-raise as the run's failure
        _fail(config, summary, exc)
        if not isinstance(exc, Exception):
            raise
        raise _attach(RefreshFailed(f"refresh failed, warehouse unchanged, inputs left in the inbox: "
                                    f"{summary.error}"), summary) from exc
    log.info("new warehouse swapped in: %s", config.db_path)
    pause_point("swapped")
    return _after_swap(config, summary, report)


def check_before_start(config: Config, inbox_dir: Path) -> None:
    """Refuse a run the configuration dooms, before any work: an inbox that is not there (cron
    would otherwise report "ok" forever while exports pile up elsewhere), detection settings and
    the events calendar (read again by detection; checked here so the message is a config error)."""
    if not inbox_dir.is_dir():
        raise ConfigError(f"inbox folder {inbox_dir} does not exist; create it or set [refresh] inbox")
    settings_from_config(config)
    load_events(config)


def writer_memory(config: Config) -> dict:
    """[refresh] memory_limit (e.g. "4GB"): DuckDB's cap while building the next warehouse.
    Unset: the writer's default (SAFETYOPS_WRITER_MEMORY or 1GB), sized for loading beside a
    running dashboard; rebuilding marts over 10M tickets may need more."""
    limit = config.writer_memory_limit
    return {"memory_limit": limit} if limit else {}


def _build_next(con: duckdb.DuckDBPyConnection, config: Config, files: list[Path],
                summary: RefreshSummary, progress: bool) -> None:
    ensure_refresh_table(con)
    for path in files:
        summary.files.append(load_one(con, path, config, summary.counts, progress))
    pause_point("loaded")
    loaded_ids = [f.result.load_run_id for f in summary.files if f.status == "loaded" and f.result]
    marts = update_marts(con, config, loaded_ids)
    how = (f"months {', '.join(marts['months']) or 'none'} rebuilt" if marts["mode"] == "incremental"
           else f"full rebuild ({marts['reason']})")
    log.info("marts updated, %s: %s", how,
             ", ".join(f"{name} {n:,} rows" for name, n in sorted(marts["rows"].items())))
    pause_point("marts")
    _detect(con, config, summary)
    pause_point("detected")
    counts = summary.counts
    summary.status = STATUS_FILES_FAILED if counts.n_files_failed else STATUS_OK
    if counts.failed_files:
        summary.error = f"{counts.n_files_failed} input file(s) failed: {', '.join(counts.failed_files)}"
    record_run(con, summary.started_at, utc_now(), counts, summary.status, summary.error)


def load_one(con: duckdb.DuckDBPyConnection, path: Path, config: Config, counts: RunCounts,
             progress: bool) -> FileOutcome:
    try:
        result = ingest_file(con, path, config, progress=progress)
    except FILE_ERRORS as exc:
        counts.failed_files.append(path.name)
        log.error("%s: not loaded: %s", path.name, exc)
        return FileOutcome(path, "failed", error=str(exc))
    counts.loads.append(result)
    if result.status == "skipped":
        log.info("%s: already loaded (sha256 %s), skipped", path.name, result.sha256[:12])
    else:
        log.info("%s: source %s, rows read %d = loaded %d + rejected %d (new %d, updated %d)",
                 path.name, result.source, result.rows_read, result.rows_loaded, result.rows_rejected,
                 result.rows_inserted, result.rows_updated)
    if result.status == "loaded" and result.rows_read and not result.rows_loaded:
        # Cron must notice a file that loaded nothing (a wrong date format, a renamed column): it
        # goes to failed/ with its reasons; its rejected rows stay in the warehouse for `status`.
        error = (f"every row ({result.rows_read:,}) was rejected, nothing loaded: "
                 + "; ".join(f"{reason} ({n:,})" for reason, n in result.top_reasons[:3])
                 + "".join(f"; hint: {hint}" for hint in result.hints))
        counts.failed_files.append(path.name)
        log.error("%s: not loaded: %s", path.name, error)
        return FileOutcome(path, "failed", error=error, result=result)
    return FileOutcome(path, result.status, result=result)


def _detect(con: duckdb.DuckDBPyConnection, config: Config, summary: RefreshSummary) -> None:
    result = run_detection(con, config)
    summary.counts.n_anomalies_new = result.n_new
    summary.counts.n_anomalies_updated = result.n_updated
    summary.unreported_ids = list(result.new_ids)
    summary.continued = dict(result.continued)
    urgent = list(result.new_high_or_critical)
    hours = config.webhook_lookback_hours
    summary.new_high_or_critical = recent_only(urgent, as_of(con), hours)
    log.info("detection: %d new anomalies (%d high or critical), %d updated, %d withdrawn (no longer raised; "
             "kept, marked withdrawn), %d raised again after withdrawal", summary.counts.n_anomalies_new,
             len(urgent), summary.counts.n_anomalies_updated, len(result.withdrawn_ids),
             len(result.restored_ids))
    if len(urgent) > len(summary.new_high_or_critical):
        log.info("webhook: %d of the %d new high/critical alerts start more than %g h before as_of "
                 "(history, e.g. a backfill) and are not posted", len(urgent) - len(summary.new_high_or_critical),
                 len(urgent), hours)


def _fail(config: Config, summary: RefreshSummary, exc: BaseException) -> None:
    summary.finished_at = utc_now()
    summary.status = STATUS_FAILED
    summary.error = f"{type(exc).__name__}: {exc}"
    log.error("refresh failed, live warehouse unchanged: %s", summary.error)
    if isinstance(exc, ConfigError | SettingsError | CalendarError) and not config.db_path.exists():
        _write_status(config, summary)   # refused before any work: do not create a warehouse for it
        return
    try:
        with writing(config.db_path, timeout=0) as con:
            record_run(con, summary.started_at, summary.finished_at, summary.counts, STATUS_FAILED,
                       summary.error)
    except Exception as record_exc:  # noqa: BLE001 - the original failure is what matters
        log.warning("could not record the failed run in refresh_runs: %s", record_exc)
    _write_status(config, summary)


def _after_swap(config: Config, summary: RefreshSummary, report: bool | None) -> RefreshSummary:
    problems = []
    try:
        move_inputs(summary.files, config, summary.started_at.date())
    except OSError as exc:
        problems.append(f"archiving inputs: {exc}")
        log.error("archiving inputs failed (they stay in the inbox and are skipped as duplicates "
                  "next run): %s", exc)
    pause_point("moved")
    if report if report is not None else is_report_day(config, summary.started_at):
        try:
            summary.report_path = write_report(config)
        except Exception as exc:  # noqa: BLE001 - the warehouse is refreshed; report the failure
            problems.append(f"weekly report: {type(exc).__name__}: {exc}")
            log.error("weekly report failed: %s: %s", type(exc).__name__, exc)
    try:
        summary.webhook = notify(config, summary.new_high_or_critical, summary.unreported_ids)
    except Exception as exc:  # noqa: BLE001 - the outbox (SQLite) failed: say what the next run does
        problems.append(f"webhook outbox: {type(exc).__name__}: {exc}")
        log.error("webhook: the outbox failed (%s); alerts not queued are announced again next run, a "
                  "message queued but not recorded as delivered is posted again with its key", exc)
    try:
        mark_reported(config, summary.unreported_ids, summary.continued)
    except Exception as exc:  # noqa: BLE001 - they will be announced again next run: say so
        problems.append(f"recording reported alerts: {type(exc).__name__}: {exc}")
        log.error("could not record the new alerts as reported (next run announces them again): %s", exc)
    if problems:
        summary.error = "; ".join(filter(None, [summary.error, *problems]))
        summary.status = STATUS_FAILED
    summary.finished_at = utc_now()
    status_problem = _write_status(config, summary)
    if status_problem:
        problems.append(status_problem)
        summary.status = STATUS_FAILED
    log.info("refresh finished: status %s, files %d (loaded %d, duplicates %d, failed %d), rows loaded %d",
             summary.status, summary.counts.n_files, summary.counts.n_files_loaded,
             summary.counts.n_files_skipped, summary.counts.n_files_failed, summary.counts.n_rows_loaded)
    if problems:
        raise _attach(AfterSwapFailed("warehouse refreshed, but " + "; ".join(problems)), summary)
    if summary.counts.n_files_failed:
        raise _attach(InputsFailed(f"warehouse refreshed; {summary.error} (see {config.failed_dir}, "
                                   "<name>.error.txt)"), summary)
    return summary


def move_inputs(outcomes: list[FileOutcome], config: Config, today: dt.date) -> None:
    for outcome in outcomes:
        if not outcome.path.exists():
            # a concurrent run took it after our swap (it was a duplicate there): nothing to do
            log.info("%s: already moved by another run", outcome.path.name)
            continue
        if outcome.status == "failed":
            outcome.moved_to = inbox_mod.fail(outcome.path, config.failed_dir, outcome.error or "unknown error")
        else:
            outcome.moved_to = inbox_mod.archive(outcome.path, config.archive_dir, today)
        log.info("%s: moved to %s", outcome.path.name, outcome.moved_to)


def is_report_day(config: Config, at: dt.datetime) -> bool:
    return at.astimezone(ZoneInfo(config.reporting_timezone)).weekday() == config.report_weekday


def write_report(config: Config) -> Path | None:
    """The last complete week's report into reports_dir/<week>.html, from the live warehouse."""
    con = connect_read(config.db_path)
    try:
        week = default_week(con, config)
        if week is None:
            log.info("weekly report: no complete week of data yet; not written")
            return None
        out = Path(config.reports_dir) / f"{week}.html"
        write_weekly_report(con, config, week=week, out_path=out)
    finally:
        con.close()
    log.info("weekly report %s written to %s", week, out)
    return out


def _write_status(config: Config, summary: RefreshSummary) -> str | None:
    """Write the status file; on failure remove the stale one (the banner must not go on showing
    the previous run's "ok") and return what went wrong, which fails the run."""
    path = config.refresh_status_path
    try:
        write_status(path, summary.started_at, summary.finished_at or utc_now(),
                     summary.status, summary.error, summary.counts)
        return None
    except OSError as exc:
        log.error("could not write the status file %s: %s", path, exc)
        try:
            Path(path).unlink(missing_ok=True)
        except OSError as unlink_exc:
            log.error("could not remove the stale status file %s either: %s", path, unlink_exc)
        return f"status file {path}: {exc}"


def _attach(exc: SafetyopsError, summary: RefreshSummary) -> SafetyopsError:
    exc.summary = summary  # type: ignore[attr-defined]
    return exc
