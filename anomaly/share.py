"""Category-share alerts that rest on counts.

A share of a handful of tickets swings wildly (1 of 3 is 33%), and a share whose baseline is 0 makes
any ratio infinite, so a share is not tested as a continuous number. Instead the category's tickets
are tested against

    expected tickets = expected share (robust seasonal baseline of the share) x the day's region inflow

with the same negative-binomial band, minimum excess and minimum % rise as the volume series. So
0 -> 2 tickets is never an alert, severity comes from excess tickets, and a surge of the whole
region (every category up alike) is no share alert. Days on which the region has fewer than
`share_min_region_inflow` tickets get no verdict and do not feed the baseline; days with fewer than
`share_min_count` tickets of the category never alert.
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from anomaly.alerts import Alert
from anomaly.baseline import Baseline, compute_baseline
from anomaly.residual_scale import residual_scale
from anomaly.detector import Verdicts, evaluate_points
from anomaly.settings import DetectorSettings


def share_baseline(counts: np.ndarray, totals: np.ndarray, usable: np.ndarray, step_seconds: float,
                   s: DetectorSettings) -> Baseline:
    """Expected tickets = expected share x observed region inflow, and the count residual scale."""
    with np.errstate(all="ignore"):
        shares = np.where(usable, counts / totals, np.nan)
    share_base = compute_baseline(shares, step_seconds, s, is_counts=False)
    expected = np.clip(share_base.expected, 0.0, 1.0) * totals
    history = np.where(usable, counts, np.nan)
    scale = residual_scale(history, expected, step_seconds, s, is_counts=True)
    return Baseline(expected=expected, scale=scale, seasonal_weeks=share_base.seasonal_weeks)


def share_count_verdicts(counts: np.ndarray, totals: np.ndarray, step_seconds: float, s: DetectorSettings,
                         suppress: np.ndarray | None = None) -> Verdicts:
    """Verdicts in tickets for `counts[t, series]` of categories within regions of `totals[t, series]`.
    `suppress` (known events) neither feeds the baseline nor alerts."""
    counts = np.asarray(counts, dtype=float)
    totals = np.asarray(totals, dtype=float)
    events = np.zeros(counts.shape, dtype=bool) if suppress is None else np.asarray(suppress, dtype=bool)
    big_enough = totals >= s.share_min_region_inflow
    base = share_baseline(counts, totals, big_enough & ~events, step_seconds, s)
    values = np.where(big_enough, counts, np.nan)
    never = events | (counts < s.share_min_count)
    return evaluate_points(values, step_seconds, s, suppress=never, is_counts=True, baseline=base)


def in_share_units(v: Verdicts, totals: np.ndarray) -> Verdicts:
    """The same verdicts with expected and band as shares of the region's inflow (for charts)."""
    with np.errstate(all="ignore"):
        per = np.where(totals > 0, 1.0 / totals, np.nan)
    return replace(v, expected=v.expected * per, lower=v.lower * per, upper=v.upper * per, is_counts=False)


def as_share_alert(tickets: Alert, index: pd.DatetimeIndex, shares: np.ndarray, totals: np.ndarray) -> Alert:
    """A share alert found on tickets, re-expressed in shares at its peak (how the pages show the
    metric); significance, severity and span stay those of the ticket test."""
    peak = index.get_loc(tickets.peak_at)
    total = float(totals[peak])
    share, expected = float(shares[peak]), tickets.peak_expected / total
    rise = 100 * (share / expected - 1) if expected > 0 else np.inf
    return replace(tickets, peak_value=share, peak_expected=expected, observed=share, expected=expected,
                   excess=share - expected, rise_pct=rise, lower=tickets.lower / total,
                   upper=tickets.upper / total)
