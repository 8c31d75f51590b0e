"""`safetyops ingest PATH...`: load help-desk exports into the warehouse."""
from __future__ import annotations

from pathlib import Path

import click

from core.errors import InputError, SafetyopsError
from pipelines.ingest import ingest_file
from pipelines.canonical_fields import missing_field_note
from pipelines.csv_dialect import check_overrides
from pipelines.load_runs import LoadResult
from pipelines.personal_data import require_real_key
from core.warehouse import writing
from safetyops.context import AppContext, db_option, pass_app

SOURCES = ("auto", "canonical", "zendesk", "salesforce", "salesforce_report", "jira")


class IngestFailed(SafetyopsError):
    """At least one file could not be loaded (the others were)."""


class WarehouseIsDirectory(InputError):
    """--db (or the config's warehouse path) names a directory."""


@click.command("ingest")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--source", default="auto", show_default=True,
              help=f"One of {', '.join(SOURCES)} or a mapping named in the config's [sources].")
@click.option("--mapping", "mapping_path", type=click.Path(exists=True, dir_okay=False),
              help="A TOML mapping describing the export's columns (see pipelines/mappings/).")
@click.option("--timezone", "timezone_name", metavar="TZ",
              help="Zone of naive timestamps (Zendesk CSV, Jira), e.g. America/Sao_Paulo.")
@click.option("--encoding", metavar="NAME",
              help="Text encoding of CSV files (utf-8, cp1252, utf-16, latin-1, ...); detected when not given.")
@click.option("--delimiter", metavar="CHAR",
              help="CSV delimiter: ',' ';' '|' or 'tab'; detected when not given.")
@click.option("--sheet", metavar="NAME", help="Workbook sheet to read (.xlsx/.xls/.ods); the visible one with the most rows when not given.")
@click.option("--force", is_flag=True, help="Reload files whose sha256 was loaded before.")
@click.option("--lock-timeout", default=600.0, show_default=True,
              help="Seconds to wait for another writer (refresh, ingest) to finish.")
@db_option
@pass_app
def command(app: AppContext, paths, source, mapping_path, timezone_name, encoding, delimiter, sheet, force,
            lock_timeout) -> None:
    """Load export files: validated, idempotent, one transaction per file.

    Prints, per file, the source detected and rows read / loaded / updated / rejected.
    Rejected rows are kept in the warehouse's rejected_rows table with line and reason.
    """
    require_real_key(app.config)      # before any file: every one of them would be refused
    check_overrides(encoding, delimiter)        # a usage error, before any file is read
    if app.config.db_path.is_dir():
        raise WarehouseIsDirectory(f"{app.config.db_path}: the warehouse path is a directory; give a file in it, "
                                   f"e.g. --db {app.config.db_path / 'warehouse.duckdb'}")
    results, failures = [], []
    progress = not app.quiet
    with writing(app.config.db_path, timeout=lock_timeout) as con:
        for path in paths:
            try:
                result = ingest_file(con, path, app.config, source=source, mapping_path=mapping_path,
                                     timezone_name=timezone_name, force=force, progress=progress,
                                     encoding=encoding, delimiter=delimiter, sheet=sheet)
            except SafetyopsError as exc:
                failures.append(str(exc))
                click.echo(f"error: {exc}", err=True)
                continue
            results.append(result)
            if not app.quiet:
                click.echo(format_summary(result))
            if result.status == "loaded" and result.rows_read and not result.rows_loaded:
                # (the load is recorded, its rejected rows kept: `safetyops status` shows why)
                failures.append(path)
                click.echo(f"error: {path}: every row ({result.rows_read:,}) was rejected, nothing loaded; "
                           + "; ".join(f"{reason} ({n:,})" for reason, n in result.top_reasons[:3])
                           + "".join(f"\n  hint: {hint}" for hint in result.hints), err=True)
    if failures:
        raise IngestFailed(f"{len(failures)} of {len(paths)} file(s) not loaded; "
                           f"the other {len(paths) - len(failures)} were")


def format_summary(r: LoadResult) -> str:
    name = Path(r.path).name
    if r.status == "skipped":
        return f"{name}: already loaded (sha256 {r.sha256[:12]}…), nothing to do; --force reloads it"
    lines = [
        f"{name}: source {r.source}" + (f", timestamps read in {r.timezone}" if r.timezone else ""),
        f"  rows read {r.rows_read:,} = loaded {r.rows_loaded:,} + rejected {r.rows_rejected:,}",
    ]
    if r.dialect:
        lines.insert(1, f"  {r.dialect}")
    if r.source == "salesforce_milestones":
        lines.append("  milestones stored; first responses of matching cases updated")
    else:
        lines.append(f"  tickets new {r.rows_inserted:,}, updated {r.rows_updated:,}, "
                     f"unchanged or older than stored {r.rows_stale:,}")
    if r.top_reasons:
        lines.append("  top rejection reasons: " + "; ".join(f"{reason} ({n:,})" for reason, n in r.top_reasons))
    lines.extend(f"  hint: {hint}" for hint in r.hints)
    for note, column, n in r.notes:
        lines.append(f"  note: {note} ({n:,} rows)")
    for name in r.missing_fields:
        lines.append(f"  {missing_field_note(name)}")
    if r.absent_columns:
        lines.append("  mapped columns not in this file (left blank): " + ", ".join(r.absent_columns))
    lines.append(f"  {r.seconds:.2f} s ({r.rows_read / max(r.seconds, 1e-9):,.0f} rows/s), load run {r.load_run_id}")
    return "\n".join(lines)
