"""The `safetyops` command line. Errors become messages and exit codes here and nowhere else."""
from __future__ import annotations

import importlib
import sys

import click

from core.errors import SafetyopsError
from safetyops.context import AppContext

# Module names under safetyops.commands; each defines `command`.
COMMANDS = ("sample", "ingest", "mapping", "status", "metrics", "detect", "anomalies", "anomaly", "annotate",
            "report", "refresh", "serve", "users", "audit")
# What `safetyops --help` lists, so that it imports no command module (they pull in pandas,
# DuckDB, Dash and the sample generator). A command missing here is imported for its help;
# tests/test_cli_startup.py checks each line against the command's own docstring.
SHORT_HELP = {
    "annotate": "Record incidents, launches, vendor changes and holidays for the detector's calendar.",
    "anomalies": "List stored alerts and set their triage status.",
    "anomaly": "Run the spike detector on any CSV series, or score it on labelled data.",
    "detect": "Scan all series (counts, shares, frt_p90, category mix) and store alerts.",
    "ingest": "Load export files: validated, idempotent, one transaction per file.",
    "mapping": "Write and test a mapping for a CSV export (see docs/mapping.md).",
    "metrics": "Metric definitions and values (response times, SLA, backlog, abuse trends, vendors).",
    "refresh": "Take new files from the inbox, load them, rebuild marts, run detection, all in one "
               "atomic swap.",
    "report": "Reports to send to people who do not open the dashboard.",
    "sample": "Write a sample export (canonical, zendesk, salesforce, jira or all) and ground_truth.json.",
    "serve": "Serve the dashboard (production WSGI server) on the configured warehouse.",
    "users": "Dashboard and API accounts: admin, lead, analyst, or vendor (sees one vendor's rows).",
    "audit": "The audit log: who did what, when, from where.",
    "status": "Warehouse status: tickets per source, data as of, recent loads, rejections by reason.",
}


class LazyGroup(click.Group):
    """Imports a command's module only when that command runs (or its own help is asked for)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(COMMANDS) | set(self.commands))

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in self.commands and name in COMMANDS:
            self.add_command(importlib.import_module(f"safetyops.commands.{name}").command, name)
        return self.commands.get(name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        names = self.list_commands(ctx)
        limit = formatter.width - 6 - max(map(len, names), default=0)
        rows = []
        for name in names:
            if name in SHORT_HELP and name not in self.commands:
                rows.append((name, click.Command(name, help=SHORT_HELP[name]).get_short_help_str(limit)))
                continue
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                rows.append((name, command.get_short_help_str(limit)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option("--db", "db_path", metavar="PATH", envvar="SAFETYOPS_DB",
              help="Warehouse file (default data/warehouse.duckdb, or SAFETYOPS_DB).")
@click.option("--config", "config_path", metavar="FILE", envvar="SAFETYOPS_CONFIG",
              help="Config TOML (default ./safetyops.toml, or SAFETYOPS_CONFIG).")
@click.option("--quiet", "-q", is_flag=True, help="No progress bars or chatter (for cron).")
@click.pass_context
def cli(ctx: click.Context, db_path: str | None, config_path: str | None, quiet: bool) -> None:
    """safetyops: help-desk exports into DuckDB, SLA and abuse-trend metrics, spike detection."""
    ctx.obj = AppContext(config_path=config_path, db_override=db_path, quiet=quiet)


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
