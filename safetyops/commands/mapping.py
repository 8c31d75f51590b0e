"""`safetyops mapping draft FILE` and `safetyops mapping check FILE --mapping M`: describe an
export nobody described yet, in minutes (reference: docs/mapping.md)."""
from __future__ import annotations

from pathlib import Path

import click

from safetyops.context import AppContext, pass_app

_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


@click.group("mapping")
def command() -> None:
    """Write and test a mapping for a CSV export (see docs/mapping.md)."""


@command.command("draft")
@click.argument("path", type=_FILE)
@click.option("--name", "source_name", default="mine", show_default=True,
              help="Source name the tickets are stored under.")
@click.option("--encoding", metavar="NAME", help="Text encoding; detected when not given.")
@click.option("--delimiter", metavar="CHAR", help="CSV delimiter; detected when not given.")
@click.option("--sheet", metavar="NAME", help="Workbook sheet to read (.xlsx/.xls/.ods); the visible one with the most rows when not given.")
@pass_app
def draft_command(app: AppContext, path: Path, source_name: str, encoding, delimiter, sheet) -> None:
    """Print a draft TOML mapping for PATH: a guessed column for each field, the timestamp
    format, and every status / priority / channel / category value seen, to correct by hand.

        safetyops mapping draft export.csv > mine.toml
    """
    from pipelines.mapping_draft import draft, read_sample, to_toml
    sample = read_sample(path, encoding, delimiter, sheet)
    taxonomy = app.config.taxonomy
    click.echo(to_toml(draft(sample, taxonomy), source_name, taxonomy), nl=False)


@command.command("check")
@click.argument("path", type=_FILE)
@click.option("--mapping", "mapping_path", required=True, type=click.Path(exists=True, dir_okay=False),
              help="The TOML mapping to try.")
@click.option("--timezone", "timezone_name", metavar="TZ", help="Zone of timestamps without an offset.")
@click.option("--encoding", metavar="NAME", help="Text encoding; detected when not given.")
@click.option("--delimiter", metavar="CHAR", help="CSV delimiter; detected when not given.")
@click.option("--sheet", metavar="NAME", help="Workbook sheet to read (.xlsx/.xls/.ods); the visible one with the most rows when not given.")
@pass_app
def check_command(app: AppContext, path: Path, mapping_path: str, timezone_name, encoding, delimiter, sheet) -> None:
    """Dry run: what loading PATH through the mapping would load and reject, and why; the fields
    left blank and the values not mapped. Writes nothing. Exit 2 when the mapping has errors or
    no row would load."""
    from pipelines.mapping_check import MappingCheckFailed, check
    report = check(path, mapping_path, app.config, timezone_name, encoding, delimiter, sheet)
    click.echo(format_report(path, report))
    if report.failed:
        raise MappingCheckFailed(f"{path}: the mapping {mapping_path} is not ready: "
                                 + ("fix the errors above" if report.errors else "no row would load"))


def format_report(path: Path, report) -> str:
    from pipelines.canonical_fields import missing_field_note
    r = report.result
    lines = [f"{path.name} through {report.mapping.origin} (source {report.mapping.name}); nothing was written"]
    if r.dialect:
        lines.append(f"  {r.dialect}")
    lines.append(f"  would load {r.rows_loaded:,} of {r.rows_read:,} rows, reject {r.rows_rejected:,}")
    for error in report.errors:
        lines.append(f"  ERROR {error}")
    for warning in report.warnings:
        lines.append(f"  warning: {warning}")
    if report.rejections:
        lines.append("  rejected (reason, column, value: rows, first line):")
        for reason, column, value, n, first in report.rejections:
            shown = f"{column} = {value!r}" if column else ""
            lines.append(f"    {reason}{': ' + shown if shown else ''}: {n:,} rows, first line {first}")
    lines += [f"  hint: {hint}" for hint in r.hints]
    if r.missing_fields:
        lines.append("  blank fields:")
        lines += [f"    {missing_field_note(name)}" for name in r.missing_fields]
    if report.unmapped:
        lines.append("  values kept with a note (map them in [values.*] if they mean something):")
        lines += [f"    {note}: {value!r} ({n:,} rows)" for note, value, n in report.unmapped]
    other = [(note, n) for note, _col, n in r.notes if not any(note == u[0] for u in report.unmapped)]
    for note, n in other:
        lines.append(f"  note: {note} ({n:,} rows)")
    return "\n".join(lines)
