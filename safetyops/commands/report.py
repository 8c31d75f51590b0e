"""`safetyops report weekly`: the self-contained weekly HTML report."""
from __future__ import annotations

from pathlib import Path

import click

from safetyops.context import AppContext, db_option, pass_app
from safetyops.progress import working


@click.group("report")
def command() -> None:
    """Reports to send to people who do not open the dashboard."""


@command.command("weekly")
@click.option("--week", metavar="YYYY-Www",
              help="ISO week, e.g. 2026-W47 (default: the last complete week before the data's as_of).")
@click.option("--out", "out_path", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="HTML file to write (replaced atomically).")
@click.option("--where", "where", multiple=True, metavar="DIM=VALUE",
              help="Restrict to a slice, e.g. --where vendor=acme (repeatable; DIM=V1,V2 for several).")
@db_option
@pass_app
def weekly(app: AppContext, week: str | None, out_path: Path, where: tuple[str, ...]) -> None:
    """One offline HTML file: KPIs, SLA, backlog, categories, anomalies, vendors, data quality."""
    from dashboards.report.build import default_week, write_weekly_report
    from metrics.query import parse_filters
    from core.warehouse import connect_read

    filters = parse_filters(where)
    con = connect_read(app.config.db_path)
    try:
        week = week or default_week(con, app.config)
        with working(f"building weekly report {week}", not app.quiet):
            out = write_weekly_report(con, app.config, week=week, filters=filters, out_path=out_path)
    finally:
        con.close()
    if not app.quiet:
        click.echo(f"weekly report {week} written to {out} ({out.stat().st_size / 1e6:.1f} MB)")
