"""`safetyops annotate add|list|delete`: known events that label or suppress alerts."""
from __future__ import annotations

import json

import click

from safetyops.context import db_option, pass_app


@click.group("annotate")
def command() -> None:
    """Record incidents, launches, vendor changes and holidays for the detector's calendar."""


@command.command("add")
@click.option("--start", required=True, help="Start (ISO date or timestamp, UTC unless it has an offset).")
@click.option("--end", default=None, help="End: a date means through that day; a timestamp is exclusive. "
                                          "Default: one day from the start.")
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
    from anomaly.api import add_annotation
    from core.warehouse import WarehouseMissing, connect_read
    try:
        con = connect_read(app.config.db_path)
    except WarehouseMissing:
        con = None          # no data yet: the category is checked against the taxonomy only
    try:
        if region and con is None:
            raise click.UsageError("--region needs a warehouse to check the region against; load tickets first")
        a = add_annotation(con, app.config, start, end, label, kind, category, region, action, who)
    finally:
        if con is not None:
            con.close()
    click.echo(f"annotation {a['annotation_id']}: {a['kind']} {a['label']!r} {a['start_at']} .. {a['end_at']} "
               f"({a['action']})")


@command.command("delete")
@click.argument("annotation_id", type=int)
@db_option
@pass_app
def delete_command(app, annotation_id: int) -> None:
    """Remove annotation ANNOTATION_ID (see `annotate list`); the next `safetyops detect` drops it."""
    from anomaly import triage
    a = triage.delete_annotation(app.config.triage_path, annotation_id)
    click.echo(f"annotation {a['annotation_id']} deleted: {a['kind']} {a['label']!r} {a['start_at']} .. {a['end_at']}")


@command.command("list")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@db_option
@pass_app
def list_command(app, fmt) -> None:
    """All annotations."""
    import pandas as pd

    from anomaly import triage
    rows = triage.list_annotations(app.config.triage_path)
    if fmt == "json":   # straight from the store: None stays null (a DataFrame would make it NaN)
        click.echo(json.dumps(rows, indent=1, allow_nan=False))
        return
    frame = pd.DataFrame(rows)
    if frame.empty:
        click.echo("no annotations")
    else:
        click.echo(frame.drop(columns=["created_at"]).to_string(index=False))
