"""Anomalies: open alerts by severity, the filtered list, and one alert's drill-down panels."""
from __future__ import annotations

from urllib.parse import urlencode

import pandas as pd
import plotly.graph_objects as go
from dash import dcc, html

from dashboards import anomaly_data as ad
from metrics.registry import METRICS
from dashboards.annotations_feed import annotations_in_window
from dashboards.formatting import format_value
from dashboards.figures import annotation_markers, band_trace
from anomaly.api import is_withdrawn
from dashboards.filters import FILTER_DIMS, Filters
from dashboards.panels.base import Panel, PanelContext, register
from dashboards.panels.tables import data_table
from dashboards.panels.tickets import json_records
from dashboards.theme import apply_theme

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
    latest = df.head(5)
    items = [html.Li([severity_badge(r["severity"]), " ",
                      dcc.Link(str(r["series_key"]), href=f"/anomalies/{r['anomaly_id']}"),
                      html.Span(f" · since {pd.Timestamp(r['start_at']).date()}", className="muted")])
             for r in latest.to_dict("records")]
    return html.Div([html.Div(tiles, className="sev-counts"), html.Ul(items, className="alert-list")])


register(Panel("anomaly-counts", "Open anomalies by severity", load_open, render_counts, kind="block",
               is_empty=lambda df: df.empty, empty_text="No open anomalies for these filters",
               note="New or acknowledged alerts touching the selected window and slice."))


LIST_EMPTY = "No anomalies match these filters"


def render_list(df: pd.DataFrame, ctx: PanelContext):
    if df.empty:    # still say when withdrawn alerts are hidden: "where did my alert go?"
        return html.Div([html.P(LIST_EMPTY, className="empty"), withdrawn_note(ctx)])
    header = html.Thead(html.Tr([html.Th(h) for h in ("severity", "series", "metric", "from", "to",
                                                      "observed", "expected", "triage", "explanation")]))
    rows = []
    for r in df.head(LIST_LIMIT).to_dict("records"):
        unit = METRICS[r["metric"]].unit if r["metric"] in METRICS else "score"
        withdrawn = is_withdrawn(r)
        rows.append(html.Tr([
            html.Td([severity_badge(r["severity"])] + ([" ", withdrawn_badge(r)] if withdrawn else [])),
            html.Td(dcc.Link(str(r["series_key"]), href=f"/anomalies/{r['anomaly_id']}",
                             className="anomaly-link")),
            html.Td(str(r["metric"])),
            html.Td(str(pd.Timestamp(r["start_at"]).date())), html.Td(str(pd.Timestamp(r["end_at"]).date())),
            html.Td(format_value(r["observed"], unit)), html.Td(format_value(r["expected"], unit)),
            html.Td(str(r["triage_status"]).replace("_", " ")),
            html.Td(str(r["explanation"]).split(":")[0], className="left"),
        ], className="withdrawn" if withdrawn else None))
    more = html.P(f"Showing {LIST_LIMIT} of {len(df)}", className="muted") if len(df) > LIST_LIMIT else None
    return html.Div([html.Table([header, html.Tbody(rows)], className="data anomaly-table"), more,
                     withdrawn_note(ctx)])


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


# ---- one anomaly ---------------------------------------------------------------------------------

def anomaly_id_of(ctx: PanelContext) -> str:
    return ctx.params.get("anomaly", "")


def load_detail(ctx: PanelContext) -> dict | None:
    return ctx.read("anomaly_detail", anomaly_id_of(ctx))


def load_series(ctx: PanelContext) -> pd.DataFrame:
    detail = load_detail(ctx)
    if detail is None:
        return pd.DataFrame()
    return detail["series"].assign(unit=METRICS[detail["metric"]].unit
                                   if detail["metric"] in METRICS else "")


def _local(ts, config) -> pd.Timestamp:
    t = pd.Timestamp(ts)
    return t.tz_convert(config.reporting_timezone).tz_localize(None) if t.tzinfo else t


def render_series(df: pd.DataFrame, ctx: PanelContext):
    detail = load_detail(ctx)
    fig = go.Figure([
        band_trace(df["bucket_at"], df["lower"], df["upper"], fillcolor="rgba(62,124,177,0.18)",
                   name="expected band"),
        go.Scatter(x=df["bucket_at"], y=df["expected"], mode="lines", line={"dash": "dash", "color": "#7b8794"},
                   name="expected"),
        go.Scatter(x=df["bucket_at"], y=df["value"], mode="lines+markers", line={"color": "#3e7cb1"},
                   marker={"size": 4}, name="observed"),
    ])
    flagged = df[df["is_anomaly"].astype(bool)]
    fig.add_trace(go.Scatter(x=flagged["bucket_at"], y=flagged["value"], mode="markers", name="flagged",
                             marker={"color": "#d62728", "size": 8}))
    start, end = _local(detail["start_at"], ctx.config), _local(detail["end_at"], ctx.config)
    step = pd.Timedelta(days=1) if detail.get("grain") == "day" else pd.Timedelta(hours=1)
    fig.add_vrect(x0=start, x1=end + step, fillcolor="#d62728", opacity=0.12, line_width=0,
                  annotation_text="flagged", annotation_position="top left")
    filling = df[df["filling_fraction"].notna()] if "filling_fraction" in df else df.iloc[0:0]
    if len(filling):
        at = filling["bucket_at"].iloc[-1]
        fig.add_vrect(x0=at, x1=at + step, fillcolor="#7b8794", opacity=0.10, line_width=0,
                      annotation_text=f"hour in progress ({filling['filling_fraction'].iloc[-1]:.0%} elapsed; "
                                      "expected scaled to it)", annotation_position="bottom left")
    fig.update_layout(yaxis_title=df["unit"].iloc[0] if len(df) else "", hovermode="x unified")
    window = Filters(date_from=df["bucket_at"].min().date(), date_to=df["bucket_at"].max().date())
    annotation_markers(fig, annotations_in_window(ctx.config, window))
    return apply_theme(fig, ctx.theme)


register(Panel("anomaly-series", "Series, expected band and flagged span", load_series, render_series,
               is_empty=lambda df: df.empty, empty_text="No series for this alert (unknown id or a mix alert)",
               height=380, note="Observed values against the detector's expected band; annotations dotted."))


def load_explanation(ctx: PanelContext) -> pd.DataFrame:
    detail = load_detail(ctx)
    if detail is None:
        return pd.DataFrame()
    keys = ("anomaly_id", "severity", "family", "metric", "series_key", "start_at", "end_at", "observed",
            "expected", "excess", "rise_pct", "p_value", "baseline", "explanation", "withdrawn_at",
            "withdrawn_reason", "replaced_by")
    return pd.DataFrame([{k: detail.get(k) for k in keys}])


def render_explanation(df: pd.DataFrame, ctx: PanelContext):
    r = df.iloc[0].to_dict()
    return html.Div([
        html.Div([severity_badge(r["severity"]), html.B(f" {r['series_key']}"),
                  html.Span(f" · {r['metric']} · {r['family']}", className="muted")]),
        html.P(str(r["explanation"]), className="explanation"),
        withdrawn_line(r),
    ])


def withdrawn_line(r: dict):
    """On a withdrawn alert's page: when and why, and the alert that replaced it if any."""
    if not is_withdrawn(r):
        return None
    when = pd.Timestamp(r["withdrawn_at"]).tz_convert("UTC").strftime("%Y-%m-%d %H:%M UTC")
    parts = [withdrawn_badge(r), f" since {when}: {r.get('withdrawn_reason') or 'no longer raised'}. "
             "It is kept as it was last shown, with its triage, and is live again if a run raises it again."]
    if isinstance(r.get("replaced_by"), str) and r["replaced_by"]:
        parts += [" ", dcc.Link("Open the alert that replaced it", href=f"/anomalies/{r['replaced_by']}",
                                id="anomaly-replaced-by-link")]
    return html.P(parts, className="withdrawn-line", id="anomaly-withdrawn")


register(Panel("anomaly-explanation", "What happened", load_explanation, render_explanation, kind="block",
               is_empty=lambda df: df.empty, empty_text="Unknown anomaly id"))


def load_contributors(ctx: PanelContext) -> pd.DataFrame:
    detail = load_detail(ctx)
    if detail is None:
        return pd.DataFrame()
    return pd.DataFrame(detail.get("contributors") or [])


register(Panel("anomaly-contributors", "What drives the excess", load_contributors,
               lambda df, ctx: data_table(df, [("dimension", "dimension", ""), ("value", "value", ""),
                                               ("observed", "observed", "tickets"),
                                               ("expected", "expected", "tickets"),
                                               ("excess", "excess", "tickets"),
                                               ("share_of_excess", "share of excess", "share")]),
               kind="block", is_empty=lambda df: df.empty, empty_text="No contributor ranking for this alert",
               note="Sub-dimensions ranked by their share of the excess over the expected level."))


def tickets_filters(detail: dict, config) -> tuple[Filters, tuple]:
    """(filter-bar filters for the link, metrics filters incl. non-bar dims like queue)."""
    dims = detail.get("dims") or {}
    start = _local(detail["start_at"], config).date()
    end = _local(detail["end_at"], config).date()
    bar = Filters(date_from=start, date_to=end, **{d: (str(v),) for d, v in dims.items() if d in FILTER_DIMS})
    extra = tuple((d, (str(v).lower() if d == "high_profile" else str(v),)) for d, v in dims.items()
                  if d not in FILTER_DIMS)
    return bar, bar.metric_filters() + extra


def load_tickets(ctx: PanelContext) -> pd.DataFrame:
    detail = load_detail(ctx)
    if detail is None:
        return pd.DataFrame()
    bar, metric_filters = tickets_filters(detail, ctx.config)
    page, total = ctx.read("ticket_sample", metric_filters, bar.date_from, bar.date_to, 50)
    return page.assign(n_total=total)


def render_tickets(df: pd.DataFrame, ctx: PanelContext):
    detail = load_detail(ctx)
    bar, _ = tickets_filters(detail, ctx.config)
    records = pd.DataFrame(json_records(df))
    table = data_table(records, [("created_at", "created", ""), ("ticket_id", "ticket", ""),
                                 ("status", "status", ""), ("priority", "priority", ""),
                                 ("vendor", "vendor", ""), ("queue", "queue", ""), ("region", "region", ""),
                                 ("abuse_category", "category", "")], max_rows=50)
    total = int(df["n_total"].iloc[0])
    return html.Div([
        html.P([f"{total:,} tickets created in the flagged span. ",
                dcc.Link("Open them in the ticket table", href="/tickets" + bar.to_search(),
                         id="anomaly-tickets-link")]),
        table,
    ])


register(Panel("anomaly-tickets", "Tickets behind it", load_tickets, render_tickets, kind="block",
               is_empty=lambda df: df.empty, empty_text="No tickets in the flagged span",
               note="Tickets of this series created during the flagged span (first 50)."))
