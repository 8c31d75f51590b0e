"""One alert's drill-down: what happened (in words), its series against the band, what drives it,
and the tickets behind it. Times are in the reporting zone; a category-mix alert, which has no
single series, shows the region's category shares against their usual level instead."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from dash import dcc, html

from anomaly.api import is_withdrawn
from dashboards.annotations_feed import annotations_in_window
from dashboards.colors import category_color
from dashboards.figures import annotation_markers, band_trace, plain
from dashboards.filters import FILTER_DIMS, Filters
from dashboards.formatting import (SCALE_WORDS, alert_measure, alert_span, alert_unit, duration_scale,
                                   format_local, is_duration, series_label, zone_label)
from dashboards.panels.anomalies import observed_expected, severity_badge, withdrawn_badge
from dashboards.panels.base import Panel, PanelContext, register
from dashboards.panels.tables import data_table
from dashboards.panels.tickets import json_records
from dashboards.theme import apply_theme

MIX_FAMILY = "mix_daily"
MIX_COLUMNS = ["category", "share", "expected_share", "change_points"]


def anomaly_id_of(ctx: PanelContext) -> str:
    return ctx.params.get("anomaly", "")


def load_detail(ctx: PanelContext) -> dict | None:
    return ctx.read("anomaly_detail", anomaly_id_of(ctx))


def is_mix(detail: dict) -> bool:
    return detail.get("family") == MIX_FAMILY


def mix_movers(detail: dict) -> pd.DataFrame:
    """The categories whose share of the region's tickets moved most, as the detector stored them."""
    movers = pd.DataFrame(detail.get("contributors") or [])
    return movers[[c for c in MIX_COLUMNS if c in movers.columns]] if not movers.empty else \
        pd.DataFrame(columns=MIX_COLUMNS)


def meaning(detail: dict, zone: str) -> str:
    """What 'observed' and 'expected' are for this alert, in one sentence."""
    dims = detail.get("dims") or {}
    category = str(dims.get("abuse_category") or detail.get("abuse_category") or "the category").replace("_", " ")
    region = dims.get("region") or "the region"
    unit = alert_unit(detail.get("metric"))
    observed, expected = observed_expected(detail, unit)
    per = "hour" if detail.get("grain") == "hour" else "day"
    if is_mix(detail):
        return (f"Observed {observed}: the share of {region}'s tickets in the category that moved most "
                f"({category}) on the flagged days; expected {expected}: its usual share (the region's median "
                f"mix). The chart shows every category that moved.")
    if detail.get("metric") == "category_share":
        return (f"Observed {observed}: {category}'s share of all tickets created in {region} per {per} in the "
                f"flagged span; expected {expected}: its usual share on such a {per}.")
    if detail.get("metric") == "frt_p90":
        return (f"Observed {observed}: the 90th percentile of first-response time of tickets created per {per}; "
                f"expected {expected}: its usual level.")
    return (f"Observed {observed}: tickets created per {per} in the flagged span (peak); expected "
            f"{expected}: the usual number for that {per} ({zone_label(zone)}).")


# ---- what happened ---------------------------------------------------------------------------------

def load_explanation(ctx: PanelContext) -> pd.DataFrame:
    detail = load_detail(ctx)
    if detail is None:
        return pd.DataFrame()
    zone = ctx.config.reporting_timezone
    keys = ("anomaly_id", "severity", "family", "metric", "grain", "series_key", "observed", "expected",
            "excess", "rise_pct", "p_value", "baseline", "explanation", "withdrawn_at", "withdrawn_reason",
            "replaced_by")
    start, end = alert_span(detail["start_at"], detail["end_at"], detail.get("grain"), zone)
    row = {k: detail.get(k) for k in keys}
    # dates as the reader means them (a daily alert is a date, not 03:00:00+00:00), zone named
    row.update(start=start, end=end, zone=zone_label(zone), series=series_label(detail.get("series_key")),
               measure=alert_measure(detail.get("metric"), detail.get("grain")), meaning=meaning(detail, zone))
    return pd.DataFrame([row])


def render_explanation(df: pd.DataFrame, ctx: PanelContext):
    r = df.iloc[0].to_dict()
    span = r["start"] if r["start"] == r["end"] else f"{r['start']} to {r['end']}"
    return html.Div([
        html.Div([severity_badge(r["severity"]), html.B(f" {r['series']}"),
                  html.Span(f" · {r['measure']} · {span} ({r['zone']})", className="muted",
                            id="anomaly-span")]),
        html.P(str(r["meaning"]), className="explanation", id="anomaly-meaning"),
        html.P(str(r["explanation"]), className="explanation"),
        withdrawn_line(r, ctx.config.reporting_timezone),
    ])


def withdrawn_line(r: dict, zone: str):
    """On a withdrawn alert's page: when and why, and the alert that replaced it if any."""
    if not is_withdrawn(r):
        return None
    when = format_local(r["withdrawn_at"], zone, with_zone=True)
    parts = [withdrawn_badge(r), f" since {when}: {r.get('withdrawn_reason') or 'no longer raised'}. "
             "It is kept as it was last shown, with its triage, and is live again if a run raises it again."]
    if isinstance(r.get("replaced_by"), str) and r["replaced_by"]:
        parts += [" ", dcc.Link("Open the alert that replaced it", href=f"/anomalies/{r['replaced_by']}",
                                id="anomaly-replaced-by-link")]
    return html.P(parts, className="withdrawn-line", id="anomaly-withdrawn")


register(Panel("anomaly-explanation", "What happened", load_explanation, render_explanation, kind="block",
               is_empty=lambda df: df.empty, empty_text="Unknown anomaly id"))


# ---- the series (or, for a mix alert, the shares that moved) -----------------------------------------

def _detail_frame(ctx: PanelContext, of_alert) -> pd.DataFrame:
    """`of_alert(detail)` for a stored alert; a category-mix alert's shares that moved; empty for an
    unknown id."""
    detail = load_detail(ctx)
    if detail is None:
        return pd.DataFrame()
    return mix_movers(detail) if is_mix(detail) else of_alert(detail)


def load_series(ctx: PanelContext) -> pd.DataFrame:
    return _detail_frame(ctx, lambda detail: detail["series"].assign(unit=alert_unit(detail["metric"])))


def _local(ts, config) -> pd.Timestamp:
    t = pd.Timestamp(ts)
    return t.tz_convert(config.reporting_timezone).tz_localize(None) if t.tzinfo else t


def render_series(df: pd.DataFrame, ctx: PanelContext):
    if "category" in df.columns:
        return render_mix(df, ctx)
    detail = load_detail(ctx)
    unit = df["unit"].iloc[0] if len(df) else ""
    if is_duration(unit):      # one readable unit for the whole chart, named on the axis
        name, divisor = duration_scale(list(df["value"]) + list(df["upper"]), unit)
        df = df.assign(**{c: df[c] / divisor for c in ("value", "expected", "lower", "upper")})
        unit = SCALE_WORDS[name]
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
    fig.update_layout(yaxis_title={"share": "share of the region's tickets"}.get(unit, unit), hovermode="x unified",
                      xaxis_title=f"time ({zone_label(ctx.config.reporting_timezone)})")
    if unit == "share":
        fig.update_yaxes(tickformat=".0%")
    window = Filters(date_from=df["bucket_at"].min().date(), date_to=df["bucket_at"].max().date())
    annotation_markers(fig, annotations_in_window(ctx.config, window))
    return apply_theme(fig, ctx.theme)


def render_mix(df: pd.DataFrame, ctx: PanelContext):
    """Each moved category's share of the region's tickets on the flagged days beside its usual share."""
    cats = [plain(str(c).replace("_", " ")) for c in df["category"]]
    fig = go.Figure([
        go.Bar(x=cats, y=df["expected_share"], name="usual share", marker={"color": "#9aa5b1"},
               hovertemplate="%{x}: usual %{y:.1%}<extra></extra>"),
        go.Bar(x=cats, y=df["share"], name="share on the flagged days",
               marker={"color": [category_color(str(c)) for c in df["category"]]},
               hovertemplate="%{x}: %{y:.1%} on the flagged days<extra></extra>"),
    ])
    fig.update_layout(barmode="group", yaxis={"tickformat": ".0%", "title": "share of the region's tickets",
                                              "rangemode": "tozero"})
    return apply_theme(fig, ctx.theme)


register(Panel("anomaly-series", "Series, expected band and flagged span", load_series, render_series,
               is_empty=lambda df: df.empty, empty_text="No series stored for this alert",
               height=380, note="Observed values against the detector's expected band; annotations dotted. "
                                "For a category-mix alert: the region's category shares against their usual mix."))


# ---- what drives it ------------------------------------------------------------------------------------

def load_contributors(ctx: PanelContext) -> pd.DataFrame:
    return _detail_frame(ctx, lambda detail: pd.DataFrame(detail.get("contributors") or []))


CONTRIBUTOR_COLUMNS = [("dimension", "dimension", ""), ("value", "value", ""), ("observed", "observed", "tickets"),
                       ("expected", "expected", "tickets"), ("excess", "excess", "tickets"),
                       ("share_of_excess", "share of excess", "share")]
MOVER_COLUMNS = [("category", "category", ""), ("share", "share on the flagged days", "share"),
                 ("expected_share", "usual share", "share"), ("change_points", "change (points)", "points")]


def render_contributors(df: pd.DataFrame, ctx: PanelContext):
    return data_table(df, MOVER_COLUMNS if "category" in df.columns else CONTRIBUTOR_COLUMNS)


register(Panel("anomaly-contributors", "What drives the excess", load_contributors, render_contributors,
               kind="block", is_empty=lambda df: df.empty, empty_text="No contributor ranking for this alert",
               note="Sub-dimensions ranked by their share of the excess over the expected level; for a "
                    "category-mix alert, the categories whose share moved most."))


# ---- the tickets behind it ---------------------------------------------------------------------------

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
    zone = ctx.config.reporting_timezone
    bar, _ = tickets_filters(detail, ctx.config)
    records = pd.DataFrame(json_records(df, zone))
    table = data_table(records, [("created_at", f"created ({zone_label(zone)})", ""), ("ticket_id", "ticket", ""),
                                 ("status", "status", ""), ("priority", "priority", ""),
                                 ("vendor", "vendor", ""), ("queue", "queue", ""), ("region", "region", ""),
                                 ("abuse_category", "category", "")], max_rows=50)
    total = int(df["n_total"].iloc[0])
    return html.Div([
        html.P([f"{total:,} tickets created {bar.date_from} to {bar.date_to} ({zone_label(zone)}). ",
                dcc.Link("Open them in the ticket table", href="/tickets" + bar.to_search(),
                         id="anomaly-tickets-link")]),
        table,
    ])


register(Panel("anomaly-tickets", "Tickets behind it", load_tickets, render_tickets, kind="block",
               is_empty=lambda df: df.empty, empty_text="No tickets in the flagged span",
               note="Tickets of this series created during the flagged span (first 50)."))
