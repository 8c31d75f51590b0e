"""The noise model's scale: how far from its expectation a point may fall, measured from each
series' own past residuals (robust, and for counts standardised by the count model)."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import stats

from anomaly.rolling import DAY_SECONDS, _past, _past_mean_count, _shift, steps_per
from anomaly.settings import DetectorSettings

MU_FLOOR = 0.2   # a count series never "expects" less than this: keeps the NB defined at zero


def scale_uncertainty(n_resid: np.ndarray, s: DetectorSettings) -> np.ndarray:
    """How much wider the band must be because the scale itself is an estimate from n residuals:
    the ratio of Student's t quantile (dof = `scale_dof_factor` x n, a MAD being worth about 0.37 of
    a standard deviation's dof) to the normal one at `alpha_daily`. Six residuals measure the
    dispersion to within a factor of two; 182 residuals to within 10%."""
    n = np.nan_to_num(n_resid, nan=0.0).astype(int)
    dof = np.maximum(1.0, s.scale_dof_factor * np.arange(n.max(initial=0) + 1))
    table = stats.t.isf(s.alpha_daily, dof) / stats.norm.isf(s.alpha_daily)
    table[0] = 1.0
    return table[n]


def count_variance(mu: np.ndarray, s: DetectorSettings) -> np.ndarray:
    """Negative-binomial variance before the robust over-dispersion factor is applied."""
    return mu + s.nb_dispersion_floor * mu * mu


def residual_scale(history: np.ndarray, expected: np.ndarray, step_seconds: float,
                   s: DetectorSettings, is_counts: bool, baseline_error: np.ndarray | None = None) -> np.ndarray:
    """Robust (MAD) scale of past residuals, standardised by the count model for counts.

    For counts this is the over-dispersion factor sqrt(phi): residual / sd_count, so busy and quiet
    hours share one factor and the band widens with the count itself. With `baseline_error` (the
    baseline's error variance as a share of the noise's, per point) the past residuals' average share
    is taken out and this point's own put in: a young series' baseline from 2 weeks of weekday ratios
    is less sure than the 12-week one the scale was mostly measured on.
    """
    resid = history - expected
    if is_counts:
        resid = resid / np.sqrt(count_variance(np.maximum(expected, MU_FLOOR), s))
    # At least 28 points: a daily series' scale from two weeks of residuals swings by half.
    days = s.scale_days_daily if step_seconds >= DAY_SECONDS else s.scale_days
    window = max(steps_per(days * DAY_SECONDS, step_seconds), 28)
    min_periods = max(3, min(s.min_history_points, window) // 2)
    if step_seconds >= DAY_SECONDS:
        min_periods = max(min_periods, s.daily_min_residuals)
    scale = 1.4826 * _past(np.abs(resid), window, min_periods)
    widen = None
    if baseline_error is not None:
        seen = np.where(np.isnan(resid), np.nan, baseline_error)
        past_share, n_resid = _past_mean_count(seen, window)
        scale = scale * np.sqrt((1 + baseline_error) / (1 + np.nan_to_num(past_share)))
        if s.scale_dof_factor > 0:
            widen = scale_uncertainty(n_resid, s)
    if is_counts:
        # Sub-daily counts start from Poisson; a daily series gets no verdict until its dispersion
        # is measured (a Poisson band on an over-dispersed daily series flags every other week).
        unknown = np.nan if step_seconds >= DAY_SECONDS else 1.0
        scale = np.where(np.isnan(scale), unknown, np.maximum(scale, 1.0))
        return scale if widen is None else _widen_overdispersion(scale, expected, widen, s)
    floor = 1e-6 + 0.01 * np.abs(np.nan_to_num(expected))
    scale = scale if widen is None else scale * widen
    return np.maximum(np.nan_to_num(scale, nan=math.inf), floor)


def _widen_overdispersion(scale: np.ndarray, expected: np.ndarray, widen: np.ndarray,
                          s: DetectorSettings) -> np.ndarray:
    """Counts: only the variance beyond Poisson is uncertain (Poisson is the floor, known exactly),
    so only that part is widened by the scale's uncertainty. A series of one ticket a day keeps its
    Poisson band however few residuals it has (8 against 1 expected is news on day 40); a series of
    2,600 a day is widened nearly in full."""
    mu = np.maximum(np.nan_to_num(expected, nan=1.0), MU_FLOOR)
    model = count_variance(mu, s)
    estimate = scale * scale * model
    return np.sqrt((mu + (estimate - mu) * widen * widen) / model)


def tail_scale(history: np.ndarray, expected: np.ndarray, step_seconds: float,
               s: DetectorSettings) -> np.ndarray | None:
    """Sub-daily counts: the scale the series' own upper tail asks for, the `tail_quantile` of the
    last `scale_days` of |standardised residuals| over the normal quantile it would be (None when
    off, and for daily steps). A sparse 5-minute series' routine blips of x3-x8 are its real tail:
    the MAD sees only the bulk, and at the MAD's scale every blip that beat the last three days paged
    (3-4 false alerts per series-month). Residuals skipped by the cleaning (NaN) are left out."""
    if not s.tail_quantile or step_seconds >= DAY_SECONDS:
        return None
    resid = (history - expected) / np.sqrt(count_variance(np.maximum(expected, MU_FLOOR), s))
    window = max(steps_per(s.scale_days * DAY_SECONDS, step_seconds), 28)
    min_periods = max(3, min(s.min_history_points, window) // 2)
    rolling = pd.DataFrame(np.abs(resid), copy=False).rolling(window, min_periods=min_periods)
    q = _shift(rolling.quantile(s.tail_quantile).to_numpy(), 1)
    if not s.tail_extrapolate:
        return q / float(stats.norm.isf((1 - s.tail_quantile) / 2))
    # Past the largest residuals seen: an exponential tail through the `tail_base_quantile` and the
    # `tail_quantile`, read at the band's own two-sided tail (alpha); a normal series' widens by 4%.
    base = _shift(rolling.quantile(s.tail_base_quantile).to_numpy(), 1)
    excess = (q - base) / math.log((1 - s.tail_base_quantile) / (1 - s.tail_quantile))
    at_alpha = base + excess * math.log((1 - s.tail_base_quantile) / (2 * s.alpha))
    return at_alpha / float(stats.norm.isf(s.alpha))
