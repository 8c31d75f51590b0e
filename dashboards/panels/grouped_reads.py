"""Reads of several metrics for one panel, grouped so that metrics computable in one statement
(metrics.compute.shared_pass: first response p50 and p90 in one sort; counts, ratios and backlog
over one set of cells) are read together; a metric alone keeps its own read (and so its cache
entry, shared with the other panels that draw it)."""
from __future__ import annotations

import pandas as pd

from dashboards.panels.base import PanelContext
from metrics.compute import shared_pass


def metric_groups(metrics: tuple[str, ...]) -> list[tuple[str, ...]]:
    """('inflow', 'backlog'), ('frt_p50', 'frt_p90'), ('high_profile_inflow',), …: first-seen order."""
    groups: dict[str, list[str]] = {}
    for m in metrics:
        groups.setdefault(shared_pass(m) or m, []).append(m)
    return [tuple(g) for g in groups.values()]


def kpis_calls(ctx: PanelContext, metrics: tuple[str, ...]) -> list[tuple[str, tuple]]:
    return [("kpis", (ctx.filters, group)) for group in metric_groups(metrics)]


def series_call(ctx: PanelContext, group: tuple[str, ...], grain: str = "day", by: tuple = ()) -> tuple[str, tuple]:
    if len(group) == 1:
        return "series", (group[0], ctx.filters, grain, *((by,) if by else ()))
    return "series_group", (group, ctx.filters, grain, *((by,) if by else ()))


def series_calls(ctx: PanelContext, metrics: tuple[str, ...], grain: str = "day",
                 by: tuple = ()) -> list[tuple[str, tuple]]:
    return [series_call(ctx, group, grain, by) for group in metric_groups(metrics)]


def read_series(ctx: PanelContext, metrics: tuple[str, ...], metric: str, grain: str = "day",
                by: tuple = ()) -> pd.DataFrame:
    """`metric`'s series, from the grouped read of `metrics` it belongs to."""
    group = next(g for g in metric_groups(metrics) if metric in g)
    name, args = series_call(ctx, group, grain, by)
    result = ctx.read(name, *args)
    return result if len(group) == 1 else result[group.index(metric)]


def read_kpis(ctx: PanelContext, metrics: tuple[str, ...], also: list | None = None) -> pd.DataFrame:
    """kpi_summary's rows for `metrics` in that order, read at once with the `also` calls."""
    calls = kpis_calls(ctx, metrics)
    frames = ctx.read_all(calls + (also or []))
    rows = pd.concat(frames[:len(calls)], ignore_index=True).set_index("metric")
    return rows.loc[list(metrics)].reset_index()
