"""Evidence of the last few points together: a spike of +60% for three days on a noisy daily series
has no single day outside the band, but its three-day sum is far outside the sum's band.

For each window of 2..`window_sum_steps` points ending at t, the observed sum is compared with the
sum of the expectations under a negative binomial moment-matched to the sum of the points'
predictive variances (counts), or a normal (levels). The window's tail probability is a point's
evidence when that point is itself above expected and the window's rise passes the minimum size.
Only past and present points enter, so a verdict never changes when later data arrives.
"""
from __future__ import annotations

import numpy as np
from scipy import special, stats

from anomaly.band import Band
from anomaly.baseline import Baseline
from anomaly.settings import DetectorSettings


def _cumulative(a: np.ndarray) -> np.ndarray:
    """Running sums with a leading zero row (NaN counted as 0), computed once for every window."""
    return np.concatenate((np.zeros((1,) + a.shape[1:]), np.cumsum(np.nan_to_num(a), axis=0)))


def _window_sum(cum: np.ndarray, gaps: np.ndarray, w: int) -> np.ndarray:
    """Sum of the w rows ending at t from running sums; NaN where the window is incomplete or
    holds a point with no verdict (`gaps`: running count of those)."""
    out = np.full((cum.shape[0] - 1,) + cum.shape[1:], np.nan)
    if out.shape[0] >= w:
        out[w - 1:] = np.where(gaps[w:] - gaps[:-w] > 0, np.nan, cum[w:] - cum[:-w])
    return out


def _sum_tail_up(xs: np.ndarray, ms: np.ndarray, vs: np.ndarray, is_counts: bool) -> np.ndarray:
    if not is_counts:
        return stats.norm.sf((xs - ms) / np.sqrt(vs))
    vs = np.maximum(vs, ms * (1 + 1e-9))
    with np.errstate(all="ignore"):
        p = special.betaincc(ms * ms / (vs - ms), np.maximum(xs, 1.0), ms / vs)
    return np.where(xs <= 0, 1.0, p)


def _variance_parts(b: Band, base: Baseline | None) -> tuple[np.ndarray, np.ndarray | None]:
    """Each point's predictive variance split into what is independent from day to day (noise, the
    weekday profile's error) and the standard deviation of the level's error, which neighbouring days
    share: a level 5% too low is 5% too low on all four days of a window, so it adds up linearly."""
    var = np.where(b.defined, b.sd ** 2, np.nan)
    if base is None or base.level_error is None:
        return var, None
    noise = var / (1 + base.level_error + base.profile_error)
    return noise * (1 + base.profile_error), np.sqrt(noise * base.level_error)


def window_p_up(values: np.ndarray, b: Band, s: DetectorSettings, is_counts: bool,
                base: Baseline | None = None, widths: tuple[int, ...] | None = None,
                point_min_z: float = 0.0, clip_sd: float = 0.0) -> np.ndarray:
    """Per point: the smallest upper tail of the windows of 2..N points (or of `widths` points)
    ending there that pass the minimum size (1 where none does, or where the point itself is not
    `point_min_z` predictive sds above expected: a day at its expectation after a spike is not
    flagged on the sums that hold the spike). With `clip_sd` > 0 each point enters the sums at most
    that many predictive sds above expected: a sum then says whether the window rose as a whole,
    not whether one sharp blip in it did (the points' own test judges blips), and the clipped sum
    is never above the sum, so its tail under the unclipped null is conservative."""
    clipped = values if clip_sd <= 0 else np.minimum(values, b.mu + clip_sd * b.sd)
    x = np.where(b.defined, np.nan_to_num(clipped), np.nan)
    mu = np.where(b.defined, b.mu, np.nan)
    own_var, shared_sd = _variance_parts(b, base)
    # x, mu and the variances are all NaN exactly where there is no verdict: one gap count for all.
    gaps = _cumulative((~b.defined).astype(float))
    cx, cmu, cvar = _cumulative(x), _cumulative(mu), _cumulative(own_var)
    cshared = None if shared_sd is None else _cumulative(shared_sd)
    best = np.ones(values.shape)
    for w in (range(2, s.window_sum_steps + 1) if widths is None else widths):
        xs, ms, vs = (_window_sum(c, gaps, w) for c in (cx, cmu, cvar))
        if cshared is not None:
            vs = vs + _window_sum(cshared, gaps, w) ** 2
        # Only a sum 2 sd above its mean can reach p <= alpha; the exact tail is costly.
        ok = (~np.isnan(xs) & (xs - ms >= s.min_excess) & (xs >= ms * (1 + s.min_rise_pct / 100))
              & (xs - ms > 2 * np.sqrt(vs)))
        if not ok.any():
            continue
        p = np.ones(values.shape)
        p[ok] = _sum_tail_up(xs[ok], ms[ok], vs[ok], is_counts)
        best = np.minimum(best, p)
    above = np.nan_to_num(values) - b.mu > point_min_z * np.where(b.defined, b.sd, 0.0)
    return np.where(b.defined & above, best, 1.0)


def window_rise(values: np.ndarray, b: Band, width: int) -> np.ndarray:
    """Per point: log((X + 1) / (M + 1)) of the sum X of the `width` points ending there against
    the sum M of their expectations (the novelty rule's rise, for a sum); NaN where the window is
    incomplete or holds a point with no verdict."""
    gaps = _cumulative((~b.defined).astype(float))
    xs = _window_sum(_cumulative(np.where(b.defined, np.nan_to_num(values), np.nan)), gaps, width)
    ms = _window_sum(_cumulative(np.where(b.defined, b.mu, np.nan)), gaps, width)
    with np.errstate(all="ignore"):
        return np.log((xs + 1) / (ms + 1))
