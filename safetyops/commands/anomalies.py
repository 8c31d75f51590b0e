"""`safetyops anomalies list|set`: read alerts with triage state, and triage them."""
from __future__ import annotations

import json

import click

from core.csv_safe import frame_to_csv
from safetyops.context import db_option, pass_app

STATUS_CHOICES = ["new", "acknowledged", "resolved", "false_positive"]
TABLE_COLUMNS = ["anomaly_id", "severity", "triage_status", "family", "series_key", "start_at", "end_at",
                 "observed", "expected", "excess"]


@click.group("anomalies")
def command() -> None:
    """List stored alerts and set their triage status."""


def _plain(v):
    """A JSON-safe value: NaN, NaT and pd.NA become null (json.dumps would write NaN or "NaT")."""
    import pandas as pd
    if v is None or (not isinstance(v, (list, tuple, dict, str)) and pd.api.types.is_scalar(v) and pd.isna(v)):
        return None
    if hasattr(v, "isoformat"):
        return v.isoformat()
    if hasattr(v, "item"):
        return v.item()
    return v


@command.command("list")
@click.option("--status", type=click.Choice(STATUS_CHOICES), default=None, help="Only this triage status.")
@click.option("--severity", type=click.Choice(["low", "medium", "high", "critical"]), default=None)
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
@click.option("--limit", type=int, default=None)
@click.option("--withdrawn", type=click.Choice(["exclude", "include", "only"]), default="exclude",
              show_default=True, help="Alerts a later run no longer raised: hidden, listed too (marked "
                                      "'withdrawn'), or listed alone.")
@db_option
@pass_app
def list_command(app, status, severity, fmt, limit, withdrawn) -> None:
    """Alerts, newest first, with triage status joined."""
    from anomaly.api import list_anomalies
    from core.warehouse import connect_read
    con = connect_read(app.config.db_path)
    try:
        frame = list_anomalies(con, app.config, status=status, severity=severity, limit=limit, withdrawn=withdrawn)
    finally:
        con.close()
    cols = [c for c in ("anomaly_id", "severity", "triage_status", "triage_note", "family", "series_key",
                        "start_at", "end_at", "peak_at", "observed", "expected", "excess", "rise_pct", "score",
                        "status", "labels", "explanation", "withdrawn_at", "withdrawn_reason", "replaced_by")
            if c in frame.columns]
    if fmt == "json":
        click.echo(json.dumps([{c: _plain(r[c]) for c in cols} for _, r in frame.iterrows()], indent=1,
                              allow_nan=False))
    elif fmt == "csv":
        click.echo(frame_to_csv(frame[cols]), nl=False)
    elif frame.empty:
        click.echo("no anomalies")
    else:
        view = frame[[c for c in TABLE_COLUMNS if c in frame.columns]].copy()
        if withdrawn != "exclude":   # a marker column right after the id
            view.insert(1, "state", ["withdrawn" if w else "live" for w in frame["withdrawn_at"].notna()])
        for c in ("observed", "expected", "excess"):
            view[c] = view[c].map(lambda x: "" if x is None or x != x else f"{x:,.1f}")
        click.echo(view.to_string(index=False))


@command.command("set")
@click.argument("anomaly_id")
@click.option("--status", type=click.Choice(STATUS_CHOICES), required=True)
@click.option("--note", default=None)
@click.option("--who", default=None)
@db_option
@pass_app
def set_command(app, anomaly_id, status, note, who) -> None:
    """Set ANOMALY_ID's triage status (kept across warehouse rebuilds)."""
    from anomaly.api import set_triage
    from core.warehouse import connect_read
    con = connect_read(app.config.db_path)
    try:
        state = set_triage(con, app.config, anomaly_id, status, note, who)
    finally:
        con.close()
    click.echo(f"{state['anomaly_id']}: {state['status']}" + (f" ({state['note']})" if state["note"] else ""))
