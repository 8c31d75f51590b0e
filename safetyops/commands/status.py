"""`safetyops status`: what the warehouse holds, how fresh it is, and what was rejected."""
from __future__ import annotations

import click

from metrics.facts import as_of
from metrics.load_health import recent_load_runs, rejections_by_reason, source_freshness
from core.warehouse import connect_read
from safetyops.context import AppContext, db_option, pass_app


@click.command("status")
@click.option("--runs", default=10, show_default=True, help="How many recent load runs to list.")
@db_option
@pass_app
def command(app: AppContext, runs: int) -> None:
    """Warehouse status: tickets per source, data as of, recent loads, rejections by reason."""
    con = connect_read(app.config.db_path)
    try:
        click.echo(f"warehouse {app.config.db_path}")
        click.echo(f"data as of {as_of(con) or 'never (no tickets)'}")
        click.echo("\nsources:\n" + _table(source_freshness(con)))
        click.echo(f"\nlast {runs} load runs:\n" + _table(recent_load_runs(con, runs).drop(columns=["sha256"])))
        click.echo("\nrejected rows by reason:\n" + _table(rejections_by_reason(con)))
    finally:
        con.close()


def _table(df) -> str:
    return "  (none)" if df.empty else df.to_string(index=False)
