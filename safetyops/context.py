"""What every command receives: the loaded config and the output mode."""
from __future__ import annotations

import json
from dataclasses import dataclass

import click

from core.config import Config, load_config


@dataclass
class AppContext:
    config_path: str | None
    db_override: str | None
    quiet: bool
    _config: Config | None = None

    @property
    def config(self) -> Config:
        if self._config is None:
            self._config = load_config(self.config_path, self.db_override)
        return self._config


pass_app = click.make_pass_decorator(AppContext)


def db_option(f):
    """`--db PATH` on every command, as the design's CLI contract asks (overrides the group's)."""
    def callback(ctx: click.Context, _param, value):
        if value:
            app = ctx.find_object(AppContext)
            app.db_override = value
            app._config = None
        return value
    return click.option("--db", "db_path", metavar="PATH", expose_value=False, callback=callback,
                        is_eager=True, help="Warehouse file (default from config, or SAFETYOPS_DB).")(f)


def echo_rows(rows: list[dict], fmt: str, empty: str, line) -> None:
    """A list command's output: JSON (strict: no NaN) or one `line(row)` per row, `empty` when none."""
    if fmt == "json":
        click.echo(json.dumps(rows, indent=1, allow_nan=False))
    elif not rows:
        click.echo(empty)
    else:
        for row in rows:
            click.echo(line(row))
