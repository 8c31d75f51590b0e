"""The report's charts: the pages' figure builders, rendered as plotly divs with fixed ids.

Fixed ids and sorted inputs make the output byte-for-byte repeatable. plotly.js itself is inlined
once by build.py; each div here carries only its figure JSON (plotly escapes `<` in it, so data
text cannot close the script tag).
"""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
from markupsafe import Markup

from dashboards.colors import category_color
from dashboards.figures import bars, plain, target_line, time_lines
from dashboards.panels.backlog import AGE_BUCKETS
from dashboards.theme import apply_theme

THEME = "light"
HEIGHT = 320
# No network: no mathjax, no topojson, no "edit in chart studio" link, no logo.
PLOTLY_CONFIG = {"displaylogo": False, "displayModeBar": False, "responsive": True, "topojsonURL": "",
                 "showSendToCloud": False, "modeBarButtonsToRemove": ["sendDataToCloud"]}


def to_div(fig: go.Figure, div_id: str, height: int = HEIGHT) -> Markup:
    fig.update_layout(height=height, margin={"t": 24})
    return Markup(pio.to_html(fig, full_html=False, include_plotlyjs=False, include_mathjax=False,
                              div_id=div_id, config=PLOTLY_CONFIG, default_height=f"{height}px",
                              default_width="100%", validate=True))


def daily_flow(df: pd.DataFrame) -> Markup:
    fig = go.Figure()
    fig.add_trace(go.Bar(x=df["period_start"], y=df["inflow"], name="inflow", marker={"color": "#3e7cb1"}))
    fig.add_trace(go.Bar(x=df["period_start"], y=df["solved"], name="solved", marker={"color": "#4daf7c"}))
    fig.add_trace(go.Scatter(x=df["period_start"], y=df["backlog"], name="backlog (end of day)",
                             mode="lines+markers", line={"color": "#c45a5a"}, yaxis="y2"))
    fig.update_layout(barmode="group", yaxis_title="tickets",
                      yaxis2={"title": "open tickets", "overlaying": "y", "side": "right", "showgrid": False,
                                "rangemode": "tozero"})
    apply_theme(fig, THEME)
    return to_div(fig, "fig-daily-flow")


def weekly_line(df: pd.DataFrame, div_id: str, y_title: str, target: float | None = None,
                dim: str | None = None) -> Markup:
    fig = time_lines(df, dim, THEME, grain="week", y_title=y_title, drill=False)
    if len(df):
        # ticks on the Mondays the points stand for (plotly's own weekly ticks fall on Sundays)
        fig.update_xaxes(tick0=pd.Timestamp(df["period_start"].min()), dtick=7 * 86_400_000, tickformat="%d %b")
    if target is not None:
        target_line(fig, target, "target")
    return to_div(fig, div_id)


def attainment_by(frame: pd.DataFrame, dim: str, target: float | None) -> Markup:
    df = frame[[dim, "sla_frt_attainment"]].dropna().sort_values(dim, kind="stable")
    df = df.assign(sla_pct=df["sla_frt_attainment"] * 100)
    fig = bars(df, dim, "sla_pct", THEME, orientation="h", y_title="answered within target (%)",
               color="#3e7cb1")
    if target is not None:
        target_line(fig, target * 100, "target", horizontal=False)
    fig.update_xaxes(range=[0, 100])
    return to_div(fig, f"fig-sla-by-{dim}", height=max(200, 60 + 28 * len(df)))


def ageing(df: pd.DataFrame) -> Markup:
    fig = go.Figure()
    for metric, name, color in AGE_BUCKETS:
        fig.add_trace(go.Bar(x=df["period_start"], y=df[metric], name=name, marker={"color": color}))
    fig.update_layout(barmode="stack", yaxis_title="open tickets")
    apply_theme(fig, THEME)
    return to_div(fig, "fig-backlog-ageing")


def category_changes(rows: list[dict]) -> Markup:
    ordered = sorted(rows, key=lambda r: (r["change"], r["name"]))
    fig = go.Figure(go.Bar(
        y=[plain(r["name"]) for r in ordered], x=[r["change"] for r in ordered], orientation="h",
        marker={"color": [category_color(r["name"]) for r in ordered]}, name="change vs last week"))
    fig.update_layout(xaxis_title="tickets, this week minus last week")
    apply_theme(fig, THEME)
    return to_div(fig, "fig-category-movers", height=max(200, 60 + 26 * len(ordered)))
