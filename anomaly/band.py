"""The band around the baseline and each point's tail probabilities, for many series at once.

Counts use a negative-binomial predictive distribution whose mean is the baseline and whose variance
is `phi * (mu + k*mu^2)`, phi from the robust scale of past standardised residuals; continuous
series a normal band from that scale. The band already includes the minimum excess and % rise.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import special, stats

from anomaly.baseline import Baseline
from anomaly.residual_scale import MU_FLOOR, count_variance
from anomaly.settings import DetectorSettings



@dataclass(frozen=True)
class Band:
    expected: np.ndarray    # baseline, clipped at 0 for non-negative series
    mu: np.ndarray          # expected where defined, a placeholder elsewhere (never NaN)
    sd: np.ndarray          # predictive standard deviation
    lower: np.ndarray
    upper: np.ndarray
    p_up: np.ndarray        # P(X >= x)
    p_down: np.ndarray      # P(X <= x)
    defined: np.ndarray     # a verdict is possible: baseline, value and scale all known


def _cornish_fisher(z: float, skew: np.ndarray, kurt: np.ndarray) -> np.ndarray:
    """Standardised quantile of a skewed distribution; clamped so it is never inside the normal one."""
    w = (z + (z * z - 1) * skew / 6 + (z ** 3 - 3 * z) * kurt / 24
         - (2 * z ** 3 - 5 * z) * skew * skew / 36)
    return np.maximum(w, z) if z > 0 else np.minimum(w, z)


def _count_band(mu: np.ndarray, phi: np.ndarray, s: DetectorSettings):
    """NB band (Cornish-Fisher, continuous-valued) and the NB parameters for exact tails."""
    var = phi * count_variance(mu, s)
    sd = np.sqrt(var)
    skew = (2 - mu / var) * sd / mu
    kurt = 6 * (var - mu) / (mu * mu) + 1 / var
    z = stats.norm.isf(s.alpha)
    upper = mu + sd * _cornish_fisher(z, skew, kurt)
    lower = np.maximum(mu + sd * _cornish_fisher(-z, skew, kurt), 0.0)
    n = mu * mu / np.maximum(var - mu, 1e-12)
    p = mu / var
    return lower, upper, n, p


def _count_tails(x: np.ndarray, n: np.ndarray, p: np.ndarray, mu: np.ndarray,
                 sd: np.ndarray, exact_beyond: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """P(X >= x) and P(X <= x) under NB(n, p).

    The exact incomplete-beta tail is costly, so it is computed only beyond `exact_beyond` sd from
    the mean, where a verdict or a score can depend on it; nearer the mean a normal approximation
    is plenty (a caller that only asks "p <= 0.001?" can pass 2).
    """
    xs = np.nan_to_num(x)
    z = (xs - mu) / sd
    up, down = stats.norm.sf(z - 0.5 / sd), stats.norm.cdf(z + 0.5 / sd)
    hi, lo = z > exact_beyond, z < -exact_beyond
    with np.errstate(all="ignore"):
        # NB cdf in closed form: P(X <= k) = I_p(n, k + 1); real-valued n (nbdtr truncates it).
        up[hi] = special.betaincc(n[hi], np.maximum(xs[hi], 1.0), p[hi])
        down[lo] = special.betainc(n[lo], np.maximum(xs[lo], 0) + 1, p[lo])
    up[xs <= 0] = 1.0
    return up, down


def size_limits(mu: np.ndarray, s: DetectorSettings) -> tuple[np.ndarray, np.ndarray]:
    rise = 1 + s.min_rise_pct / 100
    return np.minimum(mu - s.min_excess, mu / rise), np.maximum(mu + s.min_excess, mu * rise)


def band(values: np.ndarray, base: Baseline, s: DetectorSettings, is_counts: bool,
         exact_beyond: float = 1.0) -> Band:
    """Band and tails of `values[t, series]` around `base` (tails exact beyond `exact_beyond` sd)."""
    mu = base.expected
    defined = ~np.isnan(mu) & ~np.isnan(values) & np.isfinite(base.scale)
    mu_d = np.where(defined, mu, 1.0)
    if is_counts:
        mu_d = np.maximum(mu_d, MU_FLOOR)
        stat_lo, stat_hi, n, p = _count_band(mu_d, base.scale ** 2, s)
        sd = np.sqrt(base.scale ** 2 * count_variance(mu_d, s))
        p_up, p_down = _count_tails(values, n, p, mu_d, sd, exact_beyond)
    else:
        sd = np.where(defined, base.scale, 1.0)
        z = stats.norm.isf(s.alpha)
        stat_lo, stat_hi = mu_d - z * sd, mu_d + z * sd
        zx = (np.nan_to_num(values) - mu_d) / sd
        p_up, p_down = stats.norm.sf(zx), stats.norm.cdf(zx)
    nonnegative = is_counts or bool(np.all(np.nan_to_num(values) >= 0))
    if nonnegative:
        # Counts, minutes and shares cannot go below zero, whatever the additive baseline says.
        mu = np.maximum(mu, 0.0)
        stat_lo = np.maximum(stat_lo, 0.0)
    size_lo, size_hi = size_limits(np.where(defined, mu, 0.0), s)
    upper = np.maximum(stat_hi, size_hi)
    lower = np.minimum(stat_lo, size_lo)
    if nonnegative:
        lower = np.maximum(lower, 0.0)
    return Band(mu, mu_d, sd, lower, upper, p_up, p_down, defined)
