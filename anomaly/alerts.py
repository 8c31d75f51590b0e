"""From anomalous points to alerts: one alert per burst, with size and severity.

Anomalous points closer than the merge gap form one alert, so a spike that lasts six hours is one
alert that grows, not six. Severity needs both significance (tail probability) and volume (excess
tickets, or % change for non-count series): a tiny category with a freak probability stays low.
Significance is that of the peak point or of all the alert's points together (Stouffer), whichever
is stronger, so three days at +50% rank by their joint evidence, not by their best single day.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd
from scipy import stats

from anomaly.settings import DetectorSettings

SEVERITIES = ("low", "medium", "high", "critical")


@dataclass(frozen=True)
class Alert:
    start: pd.Timestamp        # first anomalous point
    end: pd.Timestamp          # last anomalous point
    peak_at: pd.Timestamp      # most significant point
    peak_value: float
    peak_expected: float
    observed: float            # counts: sum over start..end; continuous: the peak value
    expected: float            # same, from the baseline
    excess: float              # observed - expected
    rise_pct: float            # excess / expected in %, inf when nothing was expected
    lower: float               # band at the peak
    upper: float
    p_value: float             # smallest tail probability in the alert
    score: float               # largest score in the alert
    severity: str
    direction: str             # up | down
    n_points: int              # anomalous points
    is_open: bool              # still anomalous near the end of the data

    def to_dict(self) -> dict:
        d = asdict(self)
        for key in ("start", "end", "peak_at"):
            d[key] = d[key].isoformat()
        return d


def merge_gap_steps(step_seconds: float, s: DetectorSettings) -> int:
    return max(s.merge_gap_steps, int(math.floor(s.merge_gap_minutes * 60 / step_seconds)))


def alert_runs(is_anomaly: np.ndarray, gap: int) -> list[tuple[int, int]]:
    """(first, last) row of each group of flagged rows whose gaps are at most `gap` rows."""
    rows = np.flatnonzero(is_anomaly)
    if rows.size == 0:
        return []
    breaks = np.flatnonzero(np.diff(rows) > gap)
    firsts = np.concatenate(([rows[0]], rows[breaks + 1]))
    lasts = np.concatenate((rows[breaks], [rows[-1]]))
    return list(zip(firsts.tolist(), lasts.tolist()))


def severity(p_value: float, excess: float, rise_pct: float, is_counts: bool, s: DetectorSettings) -> str:
    sig_rank = sum(p_value <= level for level in s.severity_p)
    if is_counts:
        vol_rank = sum(abs(excess) >= level for level in s.severity_excess)
    else:
        base = max(s.min_rise_pct, 1e-9)
        vol_rank = sum(abs(rise_pct) >= base * f for f in (1, 2, 4, 8))
    return SEVERITIES[max(0, min(sig_rank, vol_rank, 4) - 1)]


def combined_p(p_value: np.ndarray) -> float:
    """One tail probability for a stretch of points: Stouffer's sum of their normal scores.

    Three days each at p = 1e-4 are far stronger evidence than any one of them; the peak point's p
    alone undersells a spike that lasts. Every point of the stretch counts, flagged or not, so the
    points inside the band pull the evidence down; each point's score is clipped to [-3, 37.5] so one
    empty bucket (p = 1 for counts) cannot cancel a burst, and p = 1e-300 stays finite.
    """
    p = np.asarray(p_value, dtype=float)
    p = p[~np.isnan(p)]
    if p.size == 0:
        return 1.0
    z = np.clip(stats.norm.isf(np.clip(p, 1e-300, 1.0)), -3.0, 37.5)
    return float(stats.norm.sf(z.sum() / math.sqrt(z.size)))


def build_alerts(index: pd.DatetimeIndex, values: np.ndarray, expected: np.ndarray, lower: np.ndarray,
                 upper: np.ndarray, p_value: np.ndarray, score: np.ndarray, is_anomaly: np.ndarray,
                 sign: np.ndarray, step_seconds: float, is_counts: bool,
                 s: DetectorSettings) -> list[Alert]:
    """Alerts of one series (1-D arrays aligned with `index`)."""
    gap = merge_gap_steps(step_seconds, s)
    alerts = []
    for first, last in alert_runs(is_anomaly, gap):
        span = slice(first, last + 1)
        flagged = np.flatnonzero(is_anomaly[span]) + first
        peak = int(flagged[np.argmin(p_value[flagged])])
        if is_counts:
            observed = float(np.nansum(values[span]))
            exp_total = float(np.nansum(expected[span]))
        else:
            observed, exp_total = float(values[peak]), float(expected[peak])
        excess = observed - exp_total
        rise = 100 * excess / exp_total if exp_total > 0 else math.inf
        p_min = float(p_value[peak])
        # Significance of the alert: its peak point or all its points together, whichever is stronger.
        # Not for direction "both": its p is the smaller of the two tails, so noise would add evidence.
        combine = s.severity_combined and s.direction != "both"
        p_sev = min(p_min, combined_p(p_value[span])) if combine else p_min
        alerts.append(Alert(
            start=index[first], end=index[last], peak_at=index[peak],
            peak_value=float(values[peak]), peak_expected=float(expected[peak]),
            observed=observed, expected=exp_total, excess=excess, rise_pct=rise,
            lower=float(lower[peak]), upper=float(upper[peak]), p_value=p_min,
            score=float(np.max(score[flagged])),
            severity=severity(p_sev, excess, rise, is_counts, s),
            direction="up" if sign[peak] > 0 else "down",
            n_points=int(flagged.size), is_open=(len(index) - 1 - last) <= gap,
        ))
    return alerts


def onset_flags(is_anomaly: np.ndarray, gap: int) -> np.ndarray:
    """True only at the first point of each alert: what a pager would send."""
    flags = np.zeros(is_anomaly.shape, dtype=bool)
    for first, _ in alert_runs(is_anomaly, gap):
        flags[first] = True
    return flags
