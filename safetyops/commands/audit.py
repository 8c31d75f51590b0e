"""`safetyops audit list`: the append-only log of sign-ins, writes, user changes and API use."""
from __future__ import annotations

import click

from dashboards.auth import audit, store
from safetyops.context import db_option, echo_rows, pass_app


@click.group("audit")
def command() -> None:
    """The audit log: who did what, when, from where."""


@command.command("list")
@click.option("--limit", type=click.IntRange(1, 100_000), default=100, show_default=True)
@click.option("--action", type=click.Choice(audit.ACTIONS), default=None)
@click.option("--who", default=None, help="Only entries by this user.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@db_option
@pass_app
def list_command(app, limit, action, who, fmt) -> None:
    """The newest entries first."""
    rows = audit.entries(store.users_path(app.config), limit=limit, action=action, who=who)
    echo_rows(rows, fmt, "(no entries)",
              lambda r: f"{r['at']}  {r['action']:<15} {r['who'] or '-':<20} {r['target'] or '-':<30} "
                        f"{r['remote'] or '-':<15} {r['detail'] or ''}")
