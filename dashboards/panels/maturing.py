"""Which last periods of a response-time or SLA chart are still maturing.

A ticket counts in first-response percentiles once answered and in SLA attainment once decided
(answered, or past its target). Tickets created in the last day or so are mostly not decided yet,
and the ones that are decided are the fast ones: the line's end dips (p90) or jumps (SLA) and reads
as an improvement that will not last. A period is complete once its end plus the longest
first-response target lies before the data's as_of; the later ones are marked on the chart.
"""
from __future__ import annotations

import pandas as pd

from dashboards.figures import mark_maturing
from dashboards.panels.base import PanelContext


def maturing_since(ctx: PanelContext, grain: str = "day", horizon: pd.Timedelta | None = None) -> pd.Timestamp | None:
    """The first period (naive local start) not yet complete, or None when the window is complete.
    `horizon`: how long after creation a ticket may still change the line (default: the longest
    first-response target)."""
    as_of = ctx.read("as_of")
    if as_of is None:
        return None
    horizon = horizon if horizon is not None else pd.Timedelta(minutes=max(ctx.config.sla_frt_minutes.values()))
    stamp = pd.Timestamp(as_of)
    stamp = stamp.tz_convert(ctx.config.reporting_timezone).tz_localize(None) if stamp.tzinfo else stamp
    first = (stamp - horizon).floor("D")
    if grain == "week":
        first -= pd.Timedelta(days=first.weekday())
    elif grain == "month":
        first = first.replace(day=1)
    if first.date() > ctx.filters.date_to:
        return None
    return max(first, pd.Timestamp(ctx.filters.date_from))


def why_maturing(ctx: PanelContext) -> str:
    hours = max(ctx.config.sla_frt_minutes.values()) / 60
    return (f"still maturing: tickets count once answered or past their first-response target (up to "
            f"{hours:g} h after creation), so this part of the line will still change")


def mark_maturing_periods(fig, ctx: PanelContext, grain: str = "day", horizon: pd.Timedelta | None = None,
                          why: str | None = None):
    """Shade the maturing periods and say why in each point's hover."""
    since = maturing_since(ctx, grain, horizon)
    if since is None:
        return fig
    step = {"week": pd.Timedelta(days=7), "month": pd.Timedelta(days=31)}.get(grain, pd.Timedelta(days=1))
    return mark_maturing(fig, since, pd.Timestamp(ctx.filters.date_to) + step, why or why_maturing(ctx))


def resolution_horizon(p90_hours: pd.Series) -> pd.Timedelta | None:
    """Resolution has no deadline: a day's resolution times are complete about when its slow tickets
    are resolved, i.e. the usual p90 resolution time after it (the median of the chart's p90 line)."""
    known = pd.to_numeric(p90_hours, errors="coerce").dropna()
    return pd.Timedelta(hours=float(known.median())) if len(known) else None


def why_resolution_maturing(horizon: pd.Timedelta) -> str:
    hours = horizon.total_seconds() / 3600
    return (f"still maturing: tickets count once resolved, and the usual p90 resolution time is {hours:.0f} h, "
            "so these days lack their slow tickets yet and will still rise")
