"""Response & SLA: first-response and resolution times, SLA attainment, tickets about to breach."""
from __future__ import annotations

import datetime as dt

import pandas as pd
from dash import html

from dashboards.formatting import SCALE_WORDS, duration_scale, format_local, local_times, zone_label
from dashboards.figures import attainment_axis, bars, target_line, time_lines, top_values
from dashboards.panels.maturing import mark_maturing_periods, resolution_horizon, why_resolution_maturing
from dashboards.panels.base import Panel, PanelContext, register
from dashboards.panels.tables import data_table

BY_CHOICES = ("region", "vendor", "priority")
TOP = 5


def split_by(ctx: PanelContext) -> str:
    by = ctx.params.get("by")
    return by if by in BY_CHOICES else "region"


def _pair(ctx: PanelContext, low: str, high: str) -> pd.DataFrame:
    by = split_by(ctx)
    a, b = ctx.read("series_group", (low, high), ctx.filters, "day", (by,))      # one pass for both
    return pd.concat([a.assign(metric=low), b.assign(metric=high)], ignore_index=True)


def _render_pair(df: pd.DataFrame, ctx: PanelContext, low: str, high: str, unit: str):
    """p50 solid and p90 dashed, both in one unit picked by the largest value shown (hours once
    a first response of 2 h or more is on the chart), named on the axis."""
    by = split_by(ctx)
    name, divisor = duration_scale(df["value"], unit)
    df = df.assign(value=df["value"] / divisor)
    unit = SCALE_WORDS[name]
    keep = top_values(df[df["metric"] == low], by, TOP)
    fig = time_lines(df[df["metric"] == low], by, ctx.theme, y_title=unit, keep=keep, name_suffix=f" {low[-3:]}")
    time_lines(df[df["metric"] == high], by, ctx.theme, y_title=unit, keep=keep, dash="dash",
               name_suffix=f" {high[-3:]}", fig=fig)
    if low.startswith("frt"):
        return mark_maturing_periods(fig, ctx)
    horizon = resolution_horizon(df.loc[df["metric"] == high, "value"] * divisor)
    if horizon is None:
        return fig
    return mark_maturing_periods(fig, ctx, horizon=horizon, why=why_resolution_maturing(horizon))


register(Panel("sla-frt", "First response time p50 / p90", lambda ctx: _pair(ctx, "frt_p50", "frt_p90"),
               lambda df, ctx: _render_pair(df, ctx, "frt_p50", "frt_p90", "minutes"), trend=True,
               note="Time to first reply, tickets created each day; p90 dashed. Top 5 by volume. Shaded: days still "
                    "maturing (recent tickets count once answered)."))
register(Panel("sla-ttr", "Resolution time p50 / p90", lambda ctx: _pair(ctx, "ttr_p50", "ttr_p90"),
               lambda df, ctx: _render_pair(df, ctx, "ttr_p50", "ttr_p90", "hours"), trend=True,
               note="Time to resolution, resolved tickets created each day; p90 dashed. Shaded: days still maturing "
                    "(their slow tickets are not resolved yet)."))


def load_attainment(ctx: PanelContext) -> pd.DataFrame:
    return ctx.read("series", "sla_frt_attainment", ctx.filters, "day", (split_by(ctx),))


def render_attainment(df: pd.DataFrame, ctx: PanelContext):
    fig = time_lines(df, split_by(ctx), ctx.theme, y_title="attainment", limit=TOP)
    attainment_axis(fig)
    mark_maturing_periods(fig, ctx)
    return target_line(fig, ctx.config.metric_targets.get("sla_frt_attainment"), "target")


register(Panel("sla-attainment", "SLA attainment over time", load_attainment, render_attainment, trend=True,
               note="Share of decided tickets answered within the priority's first-response target."))


def load_attainment_by(ctx: PanelContext) -> pd.DataFrame:
    df = ctx.read("window", "sla_frt_attainment", ctx.filters, (split_by(ctx),))
    return df.sort_values("value", ascending=True, na_position="last")


def render_attainment_by(df: pd.DataFrame, ctx: PanelContext):
    by = split_by(ctx)
    fig = bars(df, by, "value", ctx.theme, drill_dim=by, y_title="attainment")
    attainment_axis(fig)
    return target_line(fig, ctx.config.metric_targets.get("sla_frt_attainment"), "target")


register(Panel("sla-attainment-by", "SLA attainment for the period", load_attainment_by, render_attainment_by,
               note="Whole selected period; click a bar for its tickets."))


def this_minute() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(second=0, microsecond=0)


def load_breach_risk(ctx: PanelContext) -> pd.DataFrame:
    now = this_minute()
    return ctx.read("breach_risk", ctx.filters, now).assign(now=now)


def render_breach_risk(df: pd.DataFrame, ctx: PanelContext):
    zone = ctx.config.reporting_timezone
    if df.empty:
        return html.P(f"No open, unanswered ticket has its first-response target in the next "
                      f"{ctx.config.breach_risk_hours:g} hours (from now, {format_local(this_minute(), zone)} "
                      f"{zone_label(zone)}). The newest ticket data is from "
                      f"{format_local(ctx.read('as_of'), zone, with_zone=True)}.", className="empty")
    shown = df.copy()
    for col in ("created_at", "target_at"):
        shown[col] = local_times(shown[col], zone)
    label = zone_label(zone)
    return data_table(shown, [("minutes_left", "minutes left (from now)", "tickets"),
                              ("target_at", f"target ({label})", ""),
                              ("priority", "priority", ""), ("ticket_id", "ticket", ""),
                              ("source", "source", ""), ("region", "region", ""), ("vendor", "vendor", ""),
                              ("queue", "queue", ""), ("abuse_category", "category", ""),
                              ("created_at", f"created ({label})", "")])


register(Panel("sla-breach-risk", "About to breach", load_breach_risk, render_breach_risk, kind="block",
               is_empty=lambda df: df is None, cacheable=False,
               note="Open, unanswered tickets whose first-response target falls in the next hours from now, "
                    "soonest first."))
