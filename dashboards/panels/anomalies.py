"""Anomalies: open alerts by severity and the filtered list (one alert's page: anomaly_detail.py).
Series are named as people say them ('Impersonation · US'), dates in the reporting zone."""
from __future__ import annotations

from urllib.parse import urlencode

import pandas as pd
from dash import dcc, html

from anomaly.api import is_withdrawn
from dashboards import anomaly_data as ad
from dashboards.formatting import (alert_measure, alert_span, alert_unit, duration_scale, format_duration,
                                   format_value, is_duration, series_label, zone_label)
from dashboards.panels.base import Panel, PanelContext, register

LIST_LIMIT = 300


def _status(ctx: PanelContext) -> str:
    s = ctx.params.get("status", "open")
    return s if s in ad.STATUS_CHOICES else "open"


def load_list(ctx: PanelContext) -> pd.DataFrame:
    severity = ctx.params.get("severity")
    return ctx.read("anomaly_list", ctx.filters, _status(ctx), severity)


def load_open(ctx: PanelContext) -> pd.DataFrame:
    return ctx.read("anomaly_list", ctx.filters, "open", None)


def severity_badge(severity: str) -> html.Span:
    return html.Span(str(severity), className=f"sev sev-{severity}")


def withdrawn_badge(row: dict) -> html.Span:
    """Marks an alert a later run no longer raised; the reason is its tooltip (text, never HTML)."""
    return html.Span("withdrawn", className="badge-withdrawn", title=str(row.get("withdrawn_reason") or ""))


def render_counts(df: pd.DataFrame, ctx: PanelContext):
    counts = df["severity"].value_counts()
    tiles = [dcc.Link([html.B(str(int(counts.get(sev, 0)))), severity_badge(sev)], className="sev-count",
                      href="/anomalies?" + urlencode(ctx.filters.to_pairs() + [("severity", sev)]))
             for sev in ad.SEVERITY_ORDER]
    items = [latest_item(r, n, ctx) for r, n in incidents(df, ctx.config.reporting_timezone)[:5]]
    return html.Div([html.Div(tiles, className="sev-counts"), html.Ul(items, className="alert-list")])


def incidents(df: pd.DataFrame, zone: str) -> list[tuple[dict, int]]:
    """One entry per incident, shown by its most severe alert (df comes most severe first) with
    how many alerts it stands for. Alerts are one incident when the detection grouped them (a
    category x language or x vendor slice of a category x region burst: `parent_id`, issue 16),
    or when they are on the same series and start the same local day (an hourly and a daily alert
    of one spike)."""
    entries: list[list] = []
    index_of: dict[tuple, int] = {}
    for r in df.to_dict("records"):
        parent = r.get("parent_id")
        keys = (("group", r["anomaly_id"] if parent is None or pd.isna(parent) else str(parent)),
                ("series", str(r["series_key"]), alert_span(r["start_at"], r["start_at"], "day", zone)[0]))
        at = next((index_of[k] for k in keys if k in index_of), None)
        if at is None:
            entries.append([r, 1])
            at = len(entries) - 1
        else:
            entries[at][1] += 1
        for k in keys:
            index_of.setdefault(k, at)
    return [(r, n) for r, n in entries]


def latest_item(r: dict, n: int, ctx: PanelContext) -> html.Li:
    start, _end = alert_span(r["start_at"], r["end_at"], r.get("grain"), ctx.config.reporting_timezone)
    more = f" (+{n - 1} more alert{'s' if n > 2 else ''})" if n > 1 else ""
    return html.Li([severity_badge(r["severity"]), " ",
                    dcc.Link(series_label(r["series_key"]), href=f"/anomalies/{r['anomaly_id']}",
                             title=str(r["series_key"])),
                    html.Span(f" · {alert_measure(r.get('metric'), r.get('grain'))} · since {start}{more}",
                              className="muted")])


register(Panel("anomaly-counts", "Open anomalies by severity", load_open, render_counts, kind="block",
               is_empty=lambda df: df.empty, empty_text="No open anomalies for these filters",
               note="New or acknowledged alerts touching the selected window and slice."))


LIST_EMPTY = "No anomalies match these filters"


def render_list(df: pd.DataFrame, ctx: PanelContext):
    if df.empty:    # still say when withdrawn alerts are hidden: "where did my alert go?"
        return html.Div([html.P(LIST_EMPTY, className="empty"), withdrawn_note(ctx)])
    zone = ctx.config.reporting_timezone
    header = html.Thead(html.Tr([html.Th(h) for h in ("severity", "series", "measure", f"from ({zone_label(zone)})",
                                                      "to", "observed", "expected", "triage", "explanation")]))
    rows = []
    for r in df.head(LIST_LIMIT).to_dict("records"):
        unit = alert_unit(r["metric"])
        withdrawn = is_withdrawn(r)
        start, end = alert_span(r["start_at"], r["end_at"], r.get("grain"), zone)
        rows.append(html.Tr([
            html.Td([severity_badge(r["severity"])] + ([" ", withdrawn_badge(r)] if withdrawn else [])),
            html.Td(dcc.Link(series_label(r["series_key"]), href=f"/anomalies/{r['anomaly_id']}",
                             className="anomaly-link", title=str(r["series_key"]))),
            html.Td(alert_measure(r["metric"], r.get("grain"))),
            html.Td(start), html.Td(end),
            *[html.Td(text) for text in observed_expected(r, unit)],
            html.Td(str(r["triage_status"]).replace("_", " ")),
            html.Td(str(r["explanation"]).split(":")[0], className="left"),
        ], className="withdrawn" if withdrawn else None))
    more = html.P(f"Showing {LIST_LIMIT} of {len(df)}", className="muted") if len(df) > LIST_LIMIT else None
    return html.Div([html.Table([header, html.Tbody(rows)], className="data anomaly-table"), more,
                     withdrawn_note(ctx)])


def observed_expected(r: dict, unit: str) -> tuple[str, str]:
    """An alert's observed and expected values in one unit ('184 h' beside '50 h', not beside '3,025 min')."""
    if is_duration(unit):
        scale = duration_scale([r["observed"], r["expected"]], unit)
        return format_duration(r["observed"], scale), format_duration(r["expected"], scale)
    return format_value(r["observed"], unit), format_value(r["expected"], unit)


def withdrawn_note(ctx: PanelContext):
    """Under a list that hides withdrawn alerts: how many there are, and a link to them."""
    if _status(ctx) in ad.WITHDRAWN_BY_STATUS:
        return None
    hidden = ctx.read("anomaly_list", ctx.filters, "withdrawn", ctx.params.get("severity"))
    if hidden.empty:
        return None
    n = len(hidden)
    return html.P([f"{n} alert{'s' if n != 1 else ''} raised earlier and no longer raised by later runs "
                   f"{'are' if n != 1 else 'is'} not listed: ",
                   dcc.Link("show withdrawn alerts", id="anomaly-withdrawn-link",
                            href="/anomalies?" + urlencode(ctx.filters.to_pairs() + [("status", "withdrawn")]))],
                  className="muted")


register(Panel("anomaly-list", "Alerts", load_list, render_list, kind="block",
               is_empty=lambda df: False, empty_text=LIST_EMPTY,
               note="Most severe first. Alerts not split by a filtered dimension are kept."))
