"""The `safetyops` command line. Errors become messages and exit codes here and nowhere else."""
from __future__ import annotations

import importlib
import sys

import click

from core.errors import SafetyopsError
from safetyops.context import AppContext

# Module names under safetyops.commands; each defines `command`.
COMMANDS = ("sample", "ingest", "status", "metrics", "detect", "anomalies", "anomaly", "annotate",
            "report", "refresh", "serve", "users", "audit")


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option("--db", "db_path", metavar="PATH", envvar="SAFETYOPS_DB",
              help="Warehouse file (default data/warehouse.duckdb, or SAFETYOPS_DB).")
@click.option("--config", "config_path", metavar="FILE", envvar="SAFETYOPS_CONFIG",
              help="Config TOML (default ./safetyops.toml, or SAFETYOPS_CONFIG).")
@click.option("--quiet", "-q", is_flag=True, help="No progress bars or chatter (for cron).")
@click.pass_context
def cli(ctx: click.Context, db_path: str | None, config_path: str | None, quiet: bool) -> None:
    """safetyops: help-desk exports into DuckDB, SLA and abuse-trend metrics, spike detection."""
    ctx.obj = AppContext(config_path=config_path, db_override=db_path, quiet=quiet)


def _register() -> None:
    for name in COMMANDS:
        cli.add_command(importlib.import_module(f"safetyops.commands.{name}").command)


_register()


def main(argv: list[str] | None = None) -> int:
    try:
        # without standalone mode click returns a command's ctx.exit(code) instead of exiting
        result = cli.main(args=argv, prog_name="safetyops", standalone_mode=False)
    except SafetyopsError as exc:
        click.echo(f"error: {exc}", err=True)
        return exc.exit_code
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        return 130
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    return result if isinstance(result, int) else 0


if __name__ == "__main__":
    sys.exit(main())
