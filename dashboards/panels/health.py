"""Data health: what was loaded when, what was rejected and why, how fresh each source is."""
from __future__ import annotations

import datetime as dt

import pandas as pd

from dashboards.figures import bars
from dashboards.formatting import local_times, zone_label
from dashboards.panels.base import Panel, PanelContext, register
from dashboards.panels.tables import data_table

STALE_HOURS = 24


def _stamp(df: pd.DataFrame, cols: tuple[str, ...], zone: str) -> pd.DataFrame:
    """Times as 'YYYY-MM-DD HH:MM' in the reporting zone (the headers name it)."""
    out = df.copy()
    for col in cols:
        if col in out.columns:
            out[col] = local_times(out[col], zone)
    return out


def load_runs(ctx: PanelContext) -> pd.DataFrame:
    return ctx.read("load_runs")


def render_runs(df: pd.DataFrame, ctx: PanelContext):
    zone = ctx.config.reporting_timezone
    return data_table(_stamp(df, ("started_at", "finished_at"), zone), [
        ("finished_at", f"finished ({zone_label(zone)})", ""), ("file_name", "file", ""), ("source", "source", ""),
        ("status", "status", ""), ("rows_read", "read", "tickets"), ("rows_loaded", "loaded", "tickets"),
        ("rows_inserted", "new", "tickets"), ("rows_updated", "updated", "tickets"),
        ("rows_rejected", "rejected", "tickets")],
        cell_class=lambda row, f: "bad" if f == "rows_rejected" and (row.get(f) or 0) > 0 else None)


register(Panel("health-runs", "Load runs", load_runs, render_runs, kind="block",
               is_empty=lambda df: df.empty, empty_text="Nothing loaded yet",
               note="One row per input file, newest first; rows read = loaded + rejected. "
                    "The filter bar does not apply to load history."))


def load_rejections(ctx: PanelContext) -> pd.DataFrame:
    df = ctx.read("rejections_by_reason")
    df["label"] = [f"{r} ({c})" if c else r for r, c in zip(df["reason"], df["column_name"])]
    return df


register(Panel("health-rejections", "Rejected rows by reason", load_rejections,
               lambda df, ctx: bars(df.head(20), "label", "n_rows", ctx.theme, orientation="h",
                                    y_title="rejected rows", color="#c45a5a"),
               is_empty=lambda df: df.empty, empty_text="No rejected rows"))


def load_freshness(ctx: PanelContext, now: dt.datetime | None = None) -> pd.DataFrame:
    """The sources' newest tickets and loads (read once per warehouse version), aged against the clock."""
    now = pd.Timestamp(now or dt.datetime.now(dt.timezone.utc))
    df = ctx.read("source_freshness").copy()
    for stamp, hours in (("last_load_at", "hours_since_load"), ("newest_ticket_at", "hours_since_newest_ticket")):
        df[hours] = (now - pd.to_datetime(df[stamp], utc=True)).dt.total_seconds() / 3600
    return df


def freshness_class(row: dict, field: str) -> str | None:
    """Green only when the source's newest ticket (created or updated) is recent: a load every hour
    of an export that stopped moving 99 days ago is not fresh data. A late load is red as well."""
    if field not in ("hours_since_newest_ticket", "hours_since_load"):
        return None
    hours = row.get(field)
    if hours is None or pd.isna(hours):
        return "bad"
    return "bad" if float(hours) > STALE_HOURS else "good"


def render_freshness(df: pd.DataFrame, ctx: PanelContext):
    zone = ctx.config.reporting_timezone
    label = zone_label(zone)
    return data_table(_stamp(df, ("newest_ticket_at", "last_load_at"), zone), [
        ("source", "source", ""), ("newest_ticket_at", f"newest ticket ({label})", ""),
        ("hours_since_newest_ticket", "data age", "hours"),
        ("last_load_at", f"last load ({label})", ""), ("hours_since_load", "since load", "hours"),
        ("last_file", "last file", ""), ("n_loads", "loads", "tickets"), ("n_tickets", "tickets", "tickets"),
        ("rows_loaded", "rows loaded", "tickets"), ("rows_rejected", "rows rejected", "tickets")],
        cell_class=freshness_class)


register(Panel("health-freshness", "Freshness per source", load_freshness, render_freshness, kind="block",
               is_empty=lambda df: df.empty, empty_text="Nothing loaded yet", cacheable=False,
               note=f"Data age: time since the source's newest ticket was created or updated. Green within "
                    f"{STALE_HOURS} hours; red when the newest ticket or the last load is older."))


register(Panel("health-rejected-rows", "Latest rejected rows", lambda ctx: ctx.read("rejected_sample"),
               lambda df, ctx: data_table(df, [("file_name", "file", ""), ("line_number", "line", ""),
                                               ("reason", "reason", ""), ("column_name", "column", ""),
                                               ("bad_value", "value", "")]),
               kind="block", is_empty=lambda df: df.empty, empty_text="No rejected rows",
               note="Up to 100, newest load first; the value is shown exactly as it arrived."))


# The latest load of each source: the fields its export did not have and the values kept with a
# note. Rejected rows say what was lost; this says what was left blank or guessed.
register(Panel("health-load-notes", "Blank fields and notes of the latest loads",
               lambda ctx: ctx.read("latest_load_notes"),
               lambda df, ctx: data_table(df, [("source", "source", ""), ("file_name", "file", ""),
                                               ("note", "note", ""), ("n_rows", "rows", "tickets")]),
               kind="block", is_empty=lambda df: df.empty, empty_text="No notes: every field was in the exports",
               note="A field \"not in this export\" is blank for every ticket of that load; "
                    "the metrics built on it are empty or use the default named."))
