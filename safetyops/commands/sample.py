"""`safetyops sample`: write a realistic sample export (with labelled spikes) into a folder."""
from __future__ import annotations

from datetime import date

import click

from safetyops.context import AppContext, db_option, pass_app
from sample_data.generator import generate_export, parse_formats
from sample_data.plan import FORMATS, SampleOptions


def _progress(app: AppContext, days: int):
    """A per-day progress callback (tqdm, silent with --quiet or when not a terminal)."""
    if app.quiet:
        return None, None
    from tqdm import tqdm
    bar = tqdm(total=days, unit="day", desc="simulating", leave=False, disable=None)
    return bar, (lambda _day, _days: bar.update(1))


@click.command("sample")
@click.option("--out", "out_dir", required=True, metavar="DIR",
              type=click.Path(file_okay=False), help="Folder to write the export into.")
@click.option("--format", "fmt", default="canonical", show_default=True,
              type=click.Choice(FORMATS + ("all",)), help="Export format, or all four.")
@click.option("--days", default=180, show_default=True, type=click.IntRange(1, 3660))
@click.option("--per-day", default=5000, show_default=True, type=click.IntRange(min=1),
              help="Mean tickets per day over all regions.")
@click.option("--seed", default=7, show_default=True, type=click.IntRange(min=0))
@click.option("--start", default="2026-05-01", show_default=True, metavar="DATE",
              type=click.DateTime(formats=["%Y-%m-%d"]), help="First day (UTC).")
@click.option("--export-timezone", default="UTC", show_default=True, metavar="TZ",
              help="Time zone of the naive timestamps in zendesk and jira exports.")
@db_option
@pass_app
def command(app: AppContext, out_dir: str, fmt: str, days: int, per_day: int, seed: int,
            start, export_timezone: str) -> None:
    """Write a sample export (canonical, zendesk, salesforce, jira or all) and ground_truth.json."""
    options = SampleOptions(start=date(start.year, start.month, start.day), days=days,
                            per_day=per_day, seed=seed, export_timezone=export_timezone,
                            formats=parse_formats(fmt))
    bar, on_day = _progress(app, days)
    try:
        result = generate_export(out_dir, options, on_day=on_day)
    finally:
        if bar is not None:
            bar.close()
    for path, rows in result.files.items():
        click.echo(f"wrote {path}: {rows} rows")
    click.echo(f"wrote {result.ground_truth_path}: {len(result.spikes)} labelled spikes")
    for s in result.spikes:
        click.echo(f"  {s['id']}: {s['abuse_category']} x {s['region']} {s['start']} -> {s['end']}"
                   f" x{s['multiplier']} (+{s['extra_tickets']} tickets, mostly {s['top_language']}"
                   f" / {s['top_vendor']})")
    click.echo(f"{result.tickets} tickets, {days} days from {options.start.isoformat()}, "
               f"seed {seed}")
