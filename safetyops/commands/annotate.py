"""`safetyops annotate add|list`: known events that label or suppress alerts."""
from __future__ import annotations

import json

import click

from safetyops.context import db_option, pass_app


@click.group("annotate")
def command() -> None:
    """Record incidents, launches, vendor changes and holidays for the detector's calendar."""


@command.command("add")
@click.option("--start", required=True, help="Start (ISO date or timestamp, UTC unless it has an offset).")
@click.option("--end", default=None, help="End (exclusive; a date means through that day). Default: start.")
@click.option("--label", required=True)
@click.option("--kind", type=click.Choice(["incident", "launch", "vendor_change", "holiday", "other"]), required=True)
@click.option("--category", default=None, help="Only this abuse_category (default: all).")
@click.option("--region", default=None, help="Only this region (default: all).")
@click.option("--action", type=click.Choice(["suppress", "label"]), default=None,
              help="Default: suppress for holidays, label otherwise.")
@click.option("--who", default=None)
@db_option
@pass_app
def add_command(app, start, end, label, kind, category, region, action, who) -> None:
    """Add an annotation; the next `safetyops detect` uses it."""
    from anomaly import triage
    a = triage.add_annotation(app.config.triage_path, start, end, label, kind, category, region, action, who)
    click.echo(f"annotation {a['annotation_id']}: {a['kind']} {a['label']!r} {a['start_at']} .. {a['end_at']} "
               f"({a['action']})")


@command.command("list")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@db_option
@pass_app
def list_command(app, fmt) -> None:
    """All annotations."""
    import pandas as pd

    from anomaly import triage
    frame = pd.DataFrame(triage.list_annotations(app.config.triage_path))
    if fmt == "json":
        click.echo(json.dumps(frame.to_dict(orient="records"), indent=1, default=str))
    elif frame.empty:
        click.echo("no annotations")
    else:
        click.echo(frame.drop(columns=["created_at"]).to_string(index=False))
