"""Abuse trends: where each category comes from, how it moves, and its share of inflow."""
from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go

from dashboards.colors import category_color
from dashboards.figures import bars, drill_fragment, plain, small_multiples, time_lines
from dashboards.panels.base import Panel, PanelContext, register
from dashboards.theme import apply_theme


def load_heatmap(ctx: PanelContext) -> pd.DataFrame:
    return ctx.read("window", "inflow", ctx.filters, ("abuse_category", "region"))


def render_heatmap(df: pd.DataFrame, ctx: PanelContext):
    grid = df.pivot_table(index="abuse_category", columns="region", values="value", aggfunc="sum", fill_value=0)
    grid = grid.loc[grid.sum(axis=1).sort_values(ascending=False).index]
    custom = [[drill_fragment({"abuse_category": c, "region": r}) for r in grid.columns] for c in grid.index]
    fig = go.Figure(go.Heatmap(
        z=grid.values, x=[plain(r) for r in grid.columns], y=[plain(c) for c in grid.index], customdata=custom,
        colorscale="YlOrRd", hovertemplate="%{y} × %{x}: %{z}<extra></extra>", colorbar={"title": "tickets"},
        # counts from zero: one cell (or equal cells) would get a bar from 1,130.6 to 1,131.4
        zmin=0, zmax=max(1.0, float(grid.values.max())) if grid.size else 1.0,
    ))
    fig.update_layout(yaxis={"autorange": "reversed"})
    return apply_theme(fig, ctx.theme)


register(Panel("abuse-heatmap", "Category × region", load_heatmap, render_heatmap, height=420,
               note="Tickets created in the period; click a cell for its tickets."))


def load_daily_by_category(ctx: PanelContext) -> pd.DataFrame:
    """Daily inflow per abuse category (also the Overview's trend)."""
    return ctx.read("series", "inflow", ctx.filters, "day", ("abuse_category",))


def render_stacked_categories(df: pd.DataFrame, ctx: PanelContext):
    return time_lines(df, "abuse_category", ctx.theme, y_title="tickets", stacked=True, limit=20)


register(Panel(
    "abuse-stacked", "Inflow by category (stacked)", load_daily_by_category, render_stacked_categories,
    trend=True, height=420, note="Tickets created per day; each category keeps its colour on every page."))


def render_multiples(df: pd.DataFrame, ctx: PanelContext):
    cats = [c for c in df.groupby("abuse_category")["value"].sum().sort_values(ascending=False).index]
    panels = []
    for cat in cats:
        part = df[df["abuse_category"] == cat].sort_values("period_start")
        days = [pd.Timestamp(p) for p in part["period_start"]]
        panels.append({"title": plain(cat), "color": category_color(str(cat)),
                       "x": [d.isoformat() for d in days],
                       "y": [None if pd.isna(v) else float(v) for v in part["value"]],
                       "customdata": [drill_fragment({"abuse_category": cat}, d) for d in days]})
    return small_multiples(panels, ctx.theme)


register(Panel("abuse-multiples", "Each category on its own scale", load_daily_by_category, render_multiples,
               height=780, note="Small multiples: a rise in a small category stays visible."))


def load_movers(ctx: PanelContext) -> pd.DataFrame:
    weekly = ctx.read("series", "inflow", ctx.filters, "week", ("abuse_category",), "previous")
    if weekly.empty:
        return weekly
    # the latest complete week with tickets: a window ending on a Monday would otherwise compare
    # one day against a full week
    totals = weekly.groupby("period_start")["value"].sum()
    ends = pd.to_datetime(totals.index) + pd.Timedelta(days=6)
    complete = totals[(ends.date <= ctx.filters.date_to) & (totals.values > 0)]
    busy = complete if len(complete) else totals[totals > 0]
    latest = busy.index.max() if len(busy) else totals.index.max()
    last = weekly[weekly["period_start"] == latest].copy()
    last["change_pct"] = [(v / p - 1) if p else math.nan for v, p in zip(last["value"], last["previous_value"])]
    last["abs_change"] = last["change"].abs()
    return last.sort_values("abs_change", ascending=False).reset_index(drop=True)


def render_movers(df: pd.DataFrame, ctx: PanelContext):
    week = pd.Timestamp(df["period_start"].iloc[0]).date()
    fig = bars(df.head(12), "abuse_category", "change", ctx.theme, drill_dim="abuse_category",
               orientation="h", y_title=f"tickets vs previous week (week of {week})",
               extra_dims=None)
    fig.data[0].customdata = [drill_fragment({"abuse_category": c}, df["period_start"].iloc[0], "week")
                              for c in df.head(12)["abuse_category"]]
    fig.data[0].text = ["–" if pd.isna(p) else f"{p:+.0%}" for p in df.head(12)["change_pct"]]
    return fig


register(Panel("abuse-movers", "Biggest movers week over week", load_movers, render_movers,
               is_empty=lambda df: df.empty or float(df["value"].sum() + df["previous_value"].fillna(0).sum()) == 0,
               note="Latest complete week in the window vs the week before (ISO weeks, Monday start)."))


def load_share(ctx: PanelContext) -> pd.DataFrame:
    return ctx.read("series", "category_share", ctx.filters, "week")


def render_share(df: pd.DataFrame, ctx: PanelContext):
    fig = go.Figure()
    for cat in df.groupby("abuse_category")["value"].mean().sort_values(ascending=False).index:
        part = df[df["abuse_category"] == cat].sort_values("period_start")
        fig.add_trace(go.Bar(_validate=False, x=part["period_start"], y=part["value"], name=plain(cat),
                             marker={"color": category_color(str(cat))},
                             customdata=[drill_fragment({"abuse_category": cat}, p, "week")
                                         for p in part["period_start"]]))
    fig.update_layout(barmode="stack", yaxis={"tickformat": ".0%", "title": "share of inflow"})
    return apply_theme(fig, ctx.theme)


register(Panel("abuse-share", "Share of inflow by week", load_share, render_share, trend=True,
               note="Each category's share of the week's tickets."))
