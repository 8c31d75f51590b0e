"""`safetyops users add|list|remove|passwd|token`: the dashboard's and the API's accounts.

Passwords come on stdin (`--password-stdin`), never as an argument a process list would show.
Each change is written to the audit log as done by the operating-system user running the command.
"""
from __future__ import annotations

import getpass
import sys

import click

from dashboards.auth import audit, store
from dashboards.auth.errors import AuthError
from dashboards.auth.roles import ROLES
from safetyops.context import db_option, echo_rows, pass_app


def _operator() -> str:
    try:
        return "cli:" + getpass.getuser()
    except (KeyError, OSError):
        return "cli"


def _read_password(password_stdin: bool) -> str:
    if not password_stdin:
        raise AuthError("pass the password on stdin with --password-stdin (e.g. from a password manager)")
    text = sys.stdin.readline()
    return text[:-1] if text.endswith("\n") else text


def _recorded(app, path, action: str, name: str, message: str, detail: dict | None = None) -> None:
    """A change done: into the audit log as the operating-system user's, and said unless --quiet."""
    audit.record(path, action, _operator(), name, detail)
    if not app.quiet:
        click.echo(message)


@click.group("users")
def command() -> None:
    """Dashboard and API accounts: admin, lead, analyst, or vendor (sees one vendor's rows)."""


@command.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--vendor", default=None, help="For --role vendor: the vendor value its tickets carry.")
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of stdin.")
@db_option
@pass_app
def add_command(app, name, role, vendor, password_stdin) -> None:
    """Add a user."""
    path = store.users_path(app.config)
    user = store.add_user(path, name, role, _read_password(password_stdin), vendor)
    shown = f"{user.role}: {user.vendor}" if user.vendor else user.role
    _recorded(app, path, "user_add", user.name, f"added {user.name} ({shown})", {"role": user.role, "vendor": user.vendor})


@command.command("list")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@db_option
@pass_app
def list_command(app, fmt) -> None:
    """Every user with role, vendor and whether an API token is set."""
    echo_rows(store.list_users(store.users_path(app.config)), fmt,
              "(no users: add one with `safetyops users add NAME --role admin --password-stdin`)",
              lambda r: f"{r['name']:<24} {r['role']:<8} {r['vendor'] or '-':<24} "
                        f"{'token' if r['api_tokens'] else '-':<6} {r['created_at']}")


@command.command("remove")
@click.argument("name")
@db_option
@pass_app
def remove_command(app, name) -> None:
    """Remove a user; their sessions and API token stop working at once."""
    path = store.users_path(app.config)
    store.remove_user(path, name)
    _recorded(app, path, "user_remove", name, f"removed {name}")


@command.command("passwd")
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help="Read the new password from the first line of stdin.")
@db_option
@pass_app
def passwd_command(app, name, password_stdin) -> None:
    """Set a new password (signs the user out everywhere)."""
    path = store.users_path(app.config)
    store.set_password(path, name, _read_password(password_stdin))
    _recorded(app, path, "user_passwd", name, f"password changed for {name}")


@command.command("token")
@click.argument("name")
@db_option
@pass_app
def token_command(app, name) -> None:
    """A new API token for NAME (replaces the old one), printed on the last line; shown only once."""
    path = store.users_path(app.config)
    token = store.new_token(path, name)
    _recorded(app, path, "token_new", name,
              f"API token for {name} (use as `Authorization: Bearer TOKEN`; it is not shown again):")
    click.echo(token)
