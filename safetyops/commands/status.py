"""`safetyops status`: what the warehouse holds, how fresh it is, and what was rejected."""
from __future__ import annotations

import click

from core.warehouse import connect_read
from safetyops.context import AppContext, db_option, pass_app

MAX_WIDTH = 100          # one table per screen width; long file names and reasons are shortened
TEXT_LIMIT = 28
# (column in metrics.load_health's frame, heading) for each table; times are UTC to the minute
SOURCE_COLUMNS = (("source", "source"), ("n_tickets", "tickets"), ("latest_created_at", "newest ticket"),
                  ("last_load_at", "last load"), ("last_file", "last file"), ("n_loads", "loads"),
                  ("rows_rejected", "rejected"))
RUN_COLUMNS = (("load_run_id", "run"), ("file_name", "file"), ("source", "source"), ("status", "status"),
               ("rows_read", "read"), ("rows_loaded", "loaded"), ("rows_rejected", "rejected"),
               ("finished_at", "finished"))
REJECTION_COLUMNS = (("reason", "reason"), ("column_name", "column"), ("n_rows", "rows"),
                     ("example_file", "example file"), ("example_line", "line"), ("example_value", "value"))


@click.command("status")
@click.option("--runs", default=10, show_default=True, help="How many recent load runs to list.")
@db_option
@pass_app
def command(app: AppContext, runs: int) -> None:
    """Warehouse status: tickets per source, data as of, recent loads, rejections by reason."""
    from metrics.facts import as_of
    from metrics.load_health import recent_load_runs, rejections_by_reason, source_freshness
    con = connect_read(app.config.db_path)
    try:
        stamp = as_of(con)
        click.echo(f"warehouse {app.config.db_path}")
        click.echo(f"data as of {minute(stamp) if stamp is not None else 'never (no tickets)'} "
                   "(latest timestamp in the data; times below are UTC)")
        click.echo("\nsources:\n" + table(source_freshness(con), SOURCE_COLUMNS))
        click.echo(f"\nlast {runs} load runs:\n" + table(recent_load_runs(con, runs), RUN_COLUMNS))
        click.echo("\nrejected rows by reason:\n" + table(rejections_by_reason(con), REJECTION_COLUMNS))
    finally:
        con.close()


def minute(value) -> str:
    """A timestamp as `2026-06-29 23:59 UTC` (no seconds, microseconds or offsets to read past)."""
    import pandas as pd
    if value is None or pd.isna(value):
        return ""
    ts = pd.Timestamp(value)
    ts = ts.tz_convert("UTC") if ts.tzinfo is not None else ts
    return ts.strftime("%Y-%m-%d %H:%M") + (" UTC" if ts.tzinfo is not None else "")


def table(df, columns) -> str:
    """The chosen columns under short headings, times to the minute, long text shortened."""
    import pandas as pd
    if df.empty:
        return "  (none)"
    view = pd.DataFrame({heading: _cells(df[col]) for col, heading in columns if col in df.columns})
    return "\n".join(line[:MAX_WIDTH] for line in view.to_string(index=False).splitlines())


def _cells(col):
    import pandas as pd
    if pd.api.types.is_datetime64_any_dtype(col):
        return col.map(lambda v: minute(v).removesuffix(" UTC"))
    if pd.api.types.is_integer_dtype(col):
        return col.map(lambda v: f"{v:,}")
    if pd.api.types.is_float_dtype(col):
        return col.map(lambda v: "" if pd.isna(v) else f"{v:,.0f}")
    return col.map(lambda v: "" if v is None or (not isinstance(v, str) and pd.isna(v)) else _short(str(v)))


def _short(text: str) -> str:
    return text if len(text) <= TEXT_LIMIT else text[: TEXT_LIMIT - 1] + "…"
