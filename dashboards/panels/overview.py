"""Overview: the ops lead's morning check (KPI tiles, inflow by category, SLA trend)."""
from __future__ import annotations

import pandas as pd
from dash import dcc, html

from metrics.registry import METRICS
from dashboards.figures import attainment_axis, time_lines, target_line
from dashboards.formatting import format_change, format_duration, format_value, is_missing, judge, unit_scales
from dashboards.panels.abuse import load_daily_by_category, render_stacked_categories
from dashboards.panels.maturing import mark_maturing_periods
from dashboards.panels.base import Panel, PanelContext, register
from dashboards.panels.grouped_reads import read_kpis, read_series, series_calls
from dashboards.theme import palette

KPI_METRICS = ("inflow", "backlog", "frt_p50", "frt_p90", "sla_frt_attainment", "escalation_rate",
               "high_profile_inflow")
KPI_LABELS = {
    "inflow": "Inflow", "backlog": "Backlog (end of period)", "frt_p50": "First response p50",
    "frt_p90": "First response p90", "sla_frt_attainment": "FRT SLA attainment",
    "escalation_rate": "Escalation rate", "high_profile_inflow": "High-profile tickets",
}


def load_kpis(ctx: PanelContext) -> pd.DataFrame:
    """Only the tiles' metrics, in tile order. Each tile's figure and its sparkline's series are
    read at once (see PanelContext.read_all; FRT p50 and p90 share one pass); `sparkline` finds its
    series there."""
    return kpi_rows(ctx, KPI_METRICS, series_calls(ctx, KPI_METRICS))


def kpi_rows(ctx: PanelContext, metrics: tuple[str, ...], also: list | None = None) -> pd.DataFrame:
    """kpi_summary's rows for `metrics`, in that order, read at once with the `also` calls."""
    return read_kpis(ctx, metrics, also)


def kpis_empty(df: pd.DataFrame) -> bool:
    inflow = df.loc[df["metric"] == "inflow", "value"]
    backlog = df.loc[df["metric"] == "backlog", "value"]
    total = sum(float(v) for v in list(inflow) + list(backlog) if not is_missing(v))
    return df.empty or total == 0


def sparkline(ctx: PanelContext, metric: str) -> dict:
    """A bare line; a plain figure dict because seven validated go.Figures per tile row cost more
    than the numbers themselves."""
    s = read_series(ctx, KPI_METRICS, metric)
    p = palette(ctx.theme)
    return {
        "data": [{"type": "scatter", "mode": "lines", "hoverinfo": "skip",
                  "x": [t.isoformat() for t in pd.to_datetime(s["period_start"])],
                  "y": [None if pd.isna(v) else float(v) for v in s["value"]],
                  "line": {"width": 1.5, "color": "#3e7cb1"}}],
        "layout": {"height": 44, "margin": {"l": 0, "r": 0, "t": 2, "b": 2}, "showlegend": False,
                   "paper_bgcolor": p["paper"], "plot_bgcolor": p["plot"],
                   "xaxis": {"visible": False}, "yaxis": {"visible": False}},
    }


def tile_scales(df: pd.DataFrame) -> dict[str, tuple[str, float]]:
    """One display unit per duration measure over all its tiles (first response p50 and p90 both in
    hours, or both in minutes), chosen by the largest value, previous value or target shown."""
    values_by_unit: dict[str, list] = {}
    for _, row in df.iterrows():
        values_by_unit.setdefault(METRICS[row["metric"]].unit, []).extend(
            row[col] for col in ("value", "previous_value", "target") if col in df)
    return unit_scales(values_by_unit)


def tile(row, ctx: PanelContext, scales: dict | None = None) -> html.Div:
    info = METRICS[row.metric]
    scale = (scales or {}).get(info.unit)
    show = (lambda v: format_duration(v, scale)) if scale else (lambda v: format_value(v, info.unit))
    vs_prev = format_change(row.value, row.previous_value, info.unit)
    # a change that rounds to zero is not coloured as a gain or a loss
    prev_class = "neutral" if vs_prev.lstrip("+-").startswith("0.0") else \
        judge(row.value, row.previous_value, info.direction)
    children = [
        html.Div(KPI_LABELS.get(row.metric, row.metric), className="tile-label"),
        html.Div(show(row.value), className="tile-value"),
        html.Div([html.Span(vs_prev, className=f"delta {prev_class}"),
                  html.Span(" vs previous period", className="muted")], className="tile-line"),
    ]
    target = getattr(row, "target", None)
    if not is_missing(target):
        met = judge(row.value, target, info.direction)
        word = "meets" if met in ("good", "neutral") else "misses"
        children.append(html.Div([html.Span(f"{word} target {show(target)}",
                                            className=f"delta {'good' if word == 'meets' else 'bad'}")],
                                 className="tile-line"))
    children.append(dcc.Graph(figure=sparkline(ctx, row.metric), config={"staticPlot": True},
                              className="sparkline", style={"height": "44px"}))
    return html.Div(children, className="tile", **{"data-metric": row.metric})


def render_kpis(df: pd.DataFrame, ctx: PanelContext):
    scales = tile_scales(df)
    return html.Div([tile(row, ctx, scales) for row in df.itertuples(index=False)], className="tiles")


register(Panel("overview-kpis", "Key figures", load_kpis, render_kpis, kind="block", is_empty=kpis_empty,
               note="Selected period vs the previous period of equal length, and vs target."))


register(Panel(
    "overview-inflow", "Inflow by abuse category", load_daily_by_category, render_stacked_categories,
    trend=True, note="Tickets created per day; click a point for the tickets."))


def load_sla_trend(ctx: PanelContext) -> pd.DataFrame:
    return ctx.read("series", "sla_frt_attainment", ctx.filters, "day")


def render_sla_trend(df: pd.DataFrame, ctx: PanelContext):
    fig = time_lines(df, None, ctx.theme, y_title="SLA attainment")
    attainment_axis(fig)
    mark_maturing_periods(fig, ctx)
    # the target alone, from config: no need to compute the KPIs for it
    target = ctx.config.metric_targets.get("sla_frt_attainment")
    if target is not None:
        target_line(fig, target, "target")
    return fig


register(Panel("overview-sla", "First-response SLA attainment", load_sla_trend, render_sla_trend,
               trend=True, note="Share of decided tickets answered within the priority's target."))
