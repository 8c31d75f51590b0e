"""Backlog: open tickets over time, how old they are, and whether inflow outpaces solving."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboards.figures import drill_fragment, open_on_fragment, time_lines
from dashboards.panels.base import Panel, PanelContext, register
from dashboards.theme import apply_theme

AGE_BUCKETS = (("backlog_age_lt_1d", "< 1 day", "#9ecae1"), ("backlog_age_1_3d", "1–3 days", "#4292c6"),
               ("backlog_age_3_7d", "3–7 days", "#f16913"), ("backlog_age_gt_7d", "≥ 7 days", "#a50f15"))


def age_band(metric: str) -> str:
    """backlog_age_gt_7d -> gt_7d, the ticket page's open_age (metrics.ticket_listing.OPEN_AGE_BANDS)."""
    return metric.removeprefix("backlog_age_")


AGE_LABELS = {age_band(metric): label for metric, label, _color in AGE_BUCKETS}


def _has_tickets(df: pd.DataFrame) -> bool:
    return not df.empty and float(df["value"].fillna(0).sum()) > 0


def load_backlog(ctx: PanelContext) -> pd.DataFrame:
    return ctx.read("series", "backlog", ctx.filters, "day")


def render_backlog(df: pd.DataFrame, ctx: PanelContext):
    fig = time_lines(df, None, ctx.theme, y_title="open tickets", drill=False)
    fig.update_yaxes(rangemode="tozero")     # a backlog of 3,600 vs 3,500 is not a doubling
    # a point drills to the tickets open at that day's end, whenever they were created
    return fig.for_each_trace(lambda trace: trace.update(customdata=[open_on_fragment(x) for x in trace.x]))


register(Panel(
    "backlog-trend", "Backlog over time", load_backlog, render_backlog,
    is_empty=lambda df: not _has_tickets(df), trend=True,
    note="Tickets open at the end of each day (created before, not yet resolved). Click a point for "
         "those tickets."))


def load_ageing(ctx: PanelContext) -> pd.DataFrame:
    metrics = tuple(metric for metric, _label, _color in AGE_BUCKETS)
    frames = ctx.read("series_group", metrics, ctx.filters, "day")      # one statement for the four bands
    parts = [frame.assign(bucket=label) for frame, (_metric, label, _color) in zip(frames, AGE_BUCKETS)]
    return pd.concat(parts, ignore_index=True)


def render_ageing(df: pd.DataFrame, ctx: PanelContext):
    fig = go.Figure()
    for metric, label, color in AGE_BUCKETS:
        part = df[df["bucket"] == label].sort_values("period_start")
        fig.add_trace(go.Bar(_validate=False, x=part["period_start"], y=part["value"], name=label, marker={"color": color},
                             customdata=[open_on_fragment(p, age_band(metric)) for p in part["period_start"]]))
    fig.update_layout(barmode="stack", yaxis_title="open tickets")
    return apply_theme(fig, ctx.theme)


register(Panel("backlog-ageing", "Backlog by age", load_ageing, render_ageing,
               is_empty=lambda df: not _has_tickets(df), trend=True,
               note="Open tickets at each day's end by time since creation. Click a bar for those tickets."))


def load_flow(ctx: PanelContext) -> pd.DataFrame:
    inflow, solved = ctx.read("series_group", ("inflow", "solved"), ctx.filters, "day")
    inflow, solved = inflow[["period_start", "value", "n"]], solved[["period_start", "value"]]
    df = inflow.rename(columns={"value": "inflow"}).merge(
        solved.rename(columns={"value": "solved"}), on="period_start", how="outer").fillna(0)
    df["net"] = df["inflow"] - df["solved"]
    df["n"] = df["inflow"] + df["solved"]
    return df.sort_values("period_start").reset_index(drop=True)


def render_flow(df: pd.DataFrame, ctx: PanelContext):
    drill = [drill_fragment(None, p) for p in df["period_start"]]
    fig = go.Figure([
        go.Bar(_validate=False, x=df["period_start"], y=df["inflow"], name="inflow", marker={"color": "#3e7cb1"}, customdata=drill),
        go.Bar(_validate=False, x=df["period_start"], y=df["solved"], name="solved", marker={"color": "#4daf7c"}),
        go.Scatter(x=df["period_start"], y=df["net"].cumsum(), name="cumulative net", mode="lines",
                   line={"color": "#c45a5a"}),
    ])
    fig.update_layout(barmode="group", yaxis_title="tickets")
    return apply_theme(fig, ctx.theme)


register(Panel("backlog-flow", "Inflow vs solved", load_flow, render_flow, trend=True,
               note="Created vs resolved per day; the line is the running difference. Click an inflow bar."))
