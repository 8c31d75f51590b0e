"""`safetyops refresh`: load the inbox, rebuild marts, detect, report (Mondays), notify. For cron."""
from __future__ import annotations

import logging
import sys
from pathlib import Path

import click

from safetyops.context import AppContext, db_option, pass_app
from safetyops.logs import configure_logging


@click.command("refresh")
@click.option("--inbox", "inbox_dir", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Folder to take new export files from (default: [refresh] inbox in the config).")
@click.option("--report/--no-report", "report", default=None,
              help="Write the weekly report now / never (default: on [refresh] report_weekday only).")
@click.option("--quiet", "-q", is_flag=True, help="No progress bars (for cron); event lines are still logged.")
@db_option
@pass_app
def command(app: AppContext, inbox_dir: Path | None, report: bool | None, quiet: bool) -> None:
    """Take new files from the inbox, load them, rebuild marts, run detection, all in one atomic swap.

    \b
    Exit codes: 0 done; 1 failed (warehouse unchanged, or a step after the swap failed);
    2 bad configuration or arguments; 65 refreshed but some inputs went to the failed folder;
    75 another refresh or ingest is writing (try again later; nothing was done).
    """
    from safetyops.refresh import run_refresh   # keeps `safetyops --help` fast

    configure_logging(logging.INFO)
    progress = not (quiet or app.quiet) and sys.stderr.isatty()
    run_refresh(app.config, inbox=inbox_dir, report=report, progress=progress, lock_timeout=0)
