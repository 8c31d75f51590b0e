"""The robust seasonal baseline, computed for many series at once.

Input is a 2-D array `values[t, series]` on a regular time grid. Every statistic at time t uses
only points before t (the detector runs as if live, so an alert's start never moves when more data
arrives), and only statistics a spike cannot drag: medians, or means of a history whose points
beyond the band are replaced by their expectation first (anomaly/clean_baseline.py).

expected[t] = level[t] * seasonal[t] / seasonal_level[t]
  seasonal[t]        median of the same slot of the week over the last K weeks (sub-hourly series
                     are first smoothed over an hour so one noisy bucket does not set the slot)
  level[t]           median of the last 2 days (sub-daily; the mean for counts) or week (daily)
  seasonal_level[t]  median of seasonal[] over that same window
So the weekly shape comes from past weeks while the level follows the recent data: after a sustained
shift the level catches up within half a window and the alert closes instead of firing all week.
Without enough past weeks the seasonal ratio is 1 and the level alone is the baseline; a sub-daily
series then expects the same slot of the day over its last days instead (anomaly/warmup.py).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from anomaly.residual_scale import residual_scale, tail_scale
from anomaly.rolling import (DAY_SECONDS, HOUR_SECONDS, WEEK_SECONDS, _nanmedian_first_axis, _past, _past_mean_count,
                             _rolling_median, _shift, steps_per)
from anomaly.settings import DetectorSettings
from anomaly.warmup import warmup_baseline


@dataclass(frozen=True)
class Baseline:
    expected: np.ndarray       # [t, series]; NaN where there is not enough history yet
    scale: np.ndarray          # [t, series]; robust scale of standardised residuals (see detector)
    seasonal_weeks: np.ndarray  # [t, series]; how many past weeks fed the seasonal slot (0 = level only)
    # The baseline's own error as a share of the point's noise variance (daily profile model only;
    # None elsewhere): the level's part is shared by neighbouring days, the profile's is not.
    level_error: np.ndarray | None = None
    profile_error: np.ndarray | None = None
    # Sub-daily counts with `tail_quantile`: the scale before the tail widened it (what sums of
    # hours are judged with: one blip is diluted in a sum, so the sum's noise is the bulk's).
    bulk_scale: np.ndarray | None = None


def smoothed_for_slots(history: np.ndarray, step_seconds: float, s: DetectorSettings,
                       is_counts: bool = True) -> np.ndarray:
    """Less noise per slot: sub-hourly buckets take the median of their hour (bursty, so a median);
    hourly ones the mean of their neighbours. Daily slots are used as they are."""
    if step_seconds < HOUR_SECONDS:
        # An odd window: an even centred median averages the two sides of a step edge and puts the
        # edge half a step off, so every day's edge would be a residual as large as the step.
        window = steps_per(s.smooth_minutes * 60, step_seconds) | 1
        return _rolling_median(history, window, 1, center=True) if window > 1 else history
    if step_seconds < DAY_SECONDS:
        rolling = pd.DataFrame(history, copy=False).rolling(3, min_periods=1, center=True)
        # Counts: a mean (a median of three sparse hours is mostly 0); levels: a median, which keeps
        # a step edge (a job switching on at 08:00) where it is instead of smearing it over 3 hours.
        return (rolling.mean() if is_counts else rolling.median()).to_numpy()
    return history


def seasonal_reference(history: np.ndarray, step_seconds: float, s: DetectorSettings,
                       is_counts: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Median of the same slot of the week over the last K weeks, and how many weeks it used."""
    week = steps_per(WEEK_SECONDS, step_seconds)
    src = smoothed_for_slots(history, step_seconds, s, is_counts)
    n_rows = history.shape[0]
    usable = [k for k in range(1, s.seasonal_weeks + 1) if k * week < n_rows]
    if not usable:
        nan = np.full(history.shape, np.nan)
        return nan, np.zeros(history.shape, dtype=np.int16)
    stack = np.stack([_shift(src, k * week) for k in usable])
    n_weeks = np.sum(~np.isnan(stack), axis=0).astype(np.int16)
    with np.errstate(all="ignore"):
        import warnings
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)   # all-NaN slices -> NaN, wanted
            seasonal = np.nanmedian(stack, axis=0)
    seasonal[n_weeks < s.min_seasonal_weeks] = np.nan
    n_weeks[n_weeks < s.min_seasonal_weeks] = 0
    return seasonal, n_weeks


def level_window(step_seconds: float, s: DetectorSettings) -> int:
    days = s.level_days_daily if step_seconds >= DAY_SECONDS else s.level_days
    return max(3, steps_per(days * DAY_SECONDS, step_seconds))


def first_expected_rows(window: int, step_seconds: float, s: DetectorSettings) -> int:
    """Rows of history a sub-daily series needs before its first expected value."""
    return steps_per(s.first_expected_days * DAY_SECONDS, step_seconds) if s.first_expected_days > 0 else window


def first_verdict_days(s: DetectorSettings) -> float:
    """Days of history before a sub-daily series' first verdict: those to its first expected value
    (`first_expected_rows`), then, with the warm-up band (anomaly/warmup.py), half a level window of
    residuals."""
    first = s.first_expected_days if s.first_expected_days > 0 else s.level_days
    return first + (s.level_days / 2 if s.warmup_quantile > 0 else 0.0)


def compute_baseline(history: np.ndarray, step_seconds: float, s: DetectorSettings, is_counts: bool,
                     skip_residuals: np.ndarray | None = None, scale_from: np.ndarray | None = None,
                     shape_from: np.ndarray | None = None) -> Baseline:
    """Expected values and residual scale for every row of `history` (NaN = not usable as history).
    `skip_residuals` points (values replaced by their expectation) stay out of the scale;
    `scale_from` (the values before replacement) gives the residuals of the scale instead;
    `shape_from` (idem) gives a daily series' weekday profile: it is a median of ratios to each day's
    own level, which shrugs off spikes and level shifts, and a profile learned from replaced values
    could never learn a busy weekday that was replaced before it was known."""
    shape_history = history if shape_from is None else np.asarray(shape_from, dtype=float)
    history = np.asarray(history, dtype=float)
    if step_seconds >= DAY_SECONDS and s.daily_model == "profile":
        expected, n_weeks, n_level = daily_profile_expected(history, s, is_counts, shape_history)
        level_err, profile_err = baseline_error_shares(n_level, n_weeks, s)
        scale = residual_scale(_scale_history(history, skip_residuals, scale_from), expected, step_seconds, s,
                               is_counts, None if level_err is None else level_err + profile_err)
        return Baseline(expected=expected, scale=scale, seasonal_weeks=n_weeks,
                        level_error=level_err, profile_error=profile_err)
    window = level_window(step_seconds, s)
    level = _subdaily_level(history, window, s, is_counts)
    # Sub-daily weekly slots learn from the cleaned history: a raw slot median mixes the two levels
    # of a level shift for weeks (a CPU series shifted by +25 was expected 11 too high a fortnight on).
    seasonal, n_weeks = seasonal_reference(history, step_seconds, s, is_counts)
    # A full window, as the level has: medians of a two-valued day (a square wave) over different
    # spans can land on different values, and their difference would be an expectation a step off.
    seasonal_level = _seasonal_level(seasonal, window, s, is_counts)
    # A pseudo-count keeps the ratio sane where the slot is near zero (nights, sparse categories).
    pseudo = s.seasonal_pseudo_count if is_counts else 0.0
    with np.errstate(all="ignore"):
        ratio = (seasonal + pseudo) / (seasonal_level + pseudo)
    ratio = np.where(np.isfinite(ratio), np.clip(ratio, 0.1, 10.0), 1.0)
    if not is_counts:
        # Continuous series (minutes, shares) can sit near zero or be negative: shift additively.
        expected = np.where(np.isnan(seasonal) | np.isnan(seasonal_level), level,
                            level + (seasonal - seasonal_level))
    else:
        expected = np.maximum(level * ratio, 0.0)
    observed_so_far = np.cumsum(~np.isnan(history), axis=0)
    # No verdict before one full level window (by default): a level from a few night hours is no baseline.
    first_rows = max(s.min_history_points, first_expected_rows(window, step_seconds, s))
    expected[_shift(observed_so_far.astype(float), 1) < first_rows] = np.nan
    level_only = np.isnan(seasonal) | np.isnan(seasonal_level)
    scale_history = _scale_history(history, skip_residuals, scale_from)
    if s.warmup_daily_days > 0 or s.warmup_quantile > 0:
        expected, scale = warmup_baseline(history, scale_history, expected, level_only, step_seconds,
                                          window, s, is_counts)
    else:
        scale = residual_scale(scale_history, expected, step_seconds, s, is_counts)
    tail = tail_scale(scale_history, expected, step_seconds, s) if is_counts else None
    if tail is None:
        return Baseline(expected=expected, scale=scale, seasonal_weeks=n_weeks)
    # NaN (no verdict yet) stays NaN: the tail only ever widens a scale that exists.
    return Baseline(expected=expected, scale=np.where(np.isnan(scale), np.nan, np.fmax(scale, tail)),
                    seasonal_weeks=n_weeks, bulk_scale=scale)


def _subdaily_level(history: np.ndarray, window: int, s: DetectorSettings, is_counts: bool) -> np.ndarray:
    """The level of a sub-daily series over its last `level_days`. Counts take the mean of the
    history, whose points beyond the band are replaced already (anomaly/clean_baseline.py), because
    their median is no estimate of the mean the count model needs: a 5-minute series of 0.5 a step
    has a median of 0, so it was expected at the 0.2 floor and its MAD collapsed to Poisson there."""
    min_periods = max(1, min(s.min_history_points, window) // 2)
    if is_counts and s.subdaily_count_level == "mean":
        return _past_mean_count(history, window, min_periods)[0]
    return _past(history, window, min_periods)


def _seasonal_level(seasonal: np.ndarray, window: int, s: DetectorSettings, is_counts: bool) -> np.ndarray:
    """The slots' level over the level's window, by the level's own statistic when "match": the
    expected value is level x slot / slots' level, so the two must estimate the same thing."""
    min_periods = window if s.warmup_quantile > 0 else max(1, window // 2)
    if s.seasonal_level_stat == "match" and is_counts and s.subdaily_count_level == "mean":
        return _past_mean_count(seasonal, window, min_periods)[0]
    return _past(seasonal, window, min_periods)


def _scale_history(history: np.ndarray, skip: np.ndarray | None, scale_from: np.ndarray | None) -> np.ndarray:
    out = history if scale_from is None else scale_from
    return out if skip is None else np.where(skip, np.nan, out)


# Sampling variance of the weekday factor per unit of one ratio's variance / n: a median's is pi/2;
# a mean winsorized at `PROFILE_WINSOR` MAD-sds from the median keeps ~99% of a mean's efficiency
# on normal noise (allowed 1.05 here, the clip points being estimates themselves).
PROFILE_VARIANCE_FACTOR = {"median": np.pi / 2, "winsorized": 1.05}
PROFILE_WINSOR = 2.0


def _profile(dev: np.ndarray, lags: list[int], stat: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per point: the weekday factor from the ratios `dev` of the same weekday `lags` rows before,
    how many weeks it used, and the ratios' median absolute deviation. "median", or "winsorized":
    each ratio clipped to the median +- PROFILE_WINSOR robust sds, then averaged. The profile learns
    from raw values (see compute_baseline), so a spike must not move it: the clip caps a +400% week
    at 2 sds, while the ordinary weeks count in full (a median throws away a third of what 12 weeks
    know)."""
    if stat == "median":
        stack = np.stack([_shift(dev, lag) for lag in lags])
        median, n = _nanmedian_first_axis(stack)
        np.abs(np.subtract(stack, median[None], out=stack), out=stack)
        spread, _ = _nanmedian_first_axis(stack, overwrite=True)
        return median, n, spread
    # The winsorized mean over 26 weeks of 1,000 x 730 points is a 150 MB stack: built once in
    # float32 (ratios need no more), sorted in place, reused for the clip and the sum.
    stack = np.full((len(lags),) + dev.shape, np.nan, dtype=np.float32)
    n = np.zeros(dev.shape, dtype=np.int16)
    for i, lag in enumerate(lags):
        if lag < dev.shape[0]:
            stack[i, lag:] = dev[:dev.shape[0] - lag]
            n[lag:] += ~np.isnan(dev[:dev.shape[0] - lag])
    median = _middle_of_sorted(stack, n)
    deviation = np.abs(stack - median[None].astype(np.float32))
    spread = _middle_of_sorted(deviation, n)
    del deviation
    reach = PROFILE_WINSOR * 1.4826 * spread
    np.clip(stack, (median - reach)[None].astype(np.float32), (median + reach)[None].astype(np.float32), out=stack)
    np.nan_to_num(stack, copy=False)
    with np.errstate(all="ignore"):
        mean = stack.sum(axis=0, dtype=float) / n
    return np.where(n > 0, mean, np.nan), n, spread


def _middle_of_sorted(stack: np.ndarray, n: np.ndarray) -> np.ndarray:
    """Median over axis 0 of the first `n` (non-NaN) values, sorting `stack` in place (NaN last)."""
    stack.sort(axis=0)
    lo = np.take_along_axis(stack, np.maximum((n - 1) // 2, 0)[None].astype(np.intp), axis=0)[0]
    hi = np.take_along_axis(stack, np.maximum(n // 2, 0)[None].astype(np.intp), axis=0)[0]
    return np.where(n > 0, (lo.astype(float) + hi) / 2, np.nan)


def _shrunk(profile: np.ndarray, spread: np.ndarray, n: np.ndarray, neutral: float,
            variance_factor: float) -> np.ndarray:
    """Pull a weekday's factor toward neutral by how much of its distance from neutral its own
    sampling noise could explain (James-Stein-like: 1 - se^2 / d^2, clipped to [0, 1]). A flat
    series' noise otherwise becomes a weekly shape of +-15% that the band does not know about; a
    real weekend dip of -40% over 12 weeks keeps nearly all of itself."""
    se = np.sqrt(variance_factor) * 1.4826 * spread / np.sqrt(np.maximum(n, 1))
    d = profile - neutral
    with np.errstate(all="ignore"):
        keep = np.clip(1.0 - se * se / (d * d), 0.0, 1.0)
    return neutral + np.where(np.isfinite(keep), keep, 0.0) * d


def daily_profile_expected(history: np.ndarray, s: DetectorSettings, is_counts: bool,
                           shape_history: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Daily series: expected = level x the weekday's profile (counts; level + profile otherwise).

    level: mean of the last `daily_level_days` days (whole weeks, so the weekly cycle cancels; the
    history it reads has its spikes replaced already, see anomaly/clean_baseline.py, so a mean is
    safe and steadier than a median). profile: median over the last `daily_profile_weeks` weeks of
    the same weekday's ratio to the level of its own day, so trends and level shifts cancel out of
    the weekly shape, which comes from 8 points per weekday instead of 4 raw values.
    """
    # (whole weeks where there is a weekly cycle; a coarse series' periods have none)
    window = max(7 if s.daily_profile_weeks > 0 else 3, int(round(s.daily_level_days)))
    level, n_level = _past_mean_count(history, window, window // 2 + 1)
    if s.daily_level_stat == "median":
        level = _past(history, window, window // 2 + 1)
    if s.daily_level_long_days > window:
        level, n_level = _pooled_level(history, level, n_level, int(round(s.daily_level_long_days)))
    pseudo = s.seasonal_pseudo_count if is_counts else 0.0
    with np.errstate(all="ignore"):
        shape = history if shape_history is None else shape_history
        dev = (shape + pseudo) / (level + pseudo) if is_counts else shape - level
    n_rows = history.shape[0]
    usable = [k for k in range(1, s.daily_profile_weeks + 1) if 7 * k < n_rows]
    neutral = 1.0 if is_counts else 0.0
    profile = np.full(history.shape, neutral)
    n_weeks = np.zeros(history.shape, dtype=np.int16)
    if usable:
        profile, n_weeks, spread = _profile(dev, [7 * k for k in usable], s.daily_profile_stat)
        if s.profile_shrink:
            profile = _shrunk(profile, spread, n_weeks, neutral, PROFILE_VARIANCE_FACTOR[s.daily_profile_stat])
        few = (n_weeks < s.min_seasonal_weeks) | np.isnan(profile)
        profile[few] = neutral
        n_weeks[few] = 0
        if s.profile_week_mean and is_counts:
            profile = _week_mean_one(profile)
    if is_counts:
        expected = np.maximum((level + pseudo) * np.clip(profile, 0.1, 10.0) - pseudo, 0.0)
    else:
        expected = level + profile
    observed_so_far = np.cumsum(~np.isnan(history), axis=0)
    enough = max(s.min_history_points, window, s.daily_min_history_days)
    expected[_shift(observed_so_far.astype(float), 1) < enough] = np.nan
    return expected, n_weeks, n_level


def _week_mean_one(profile: np.ndarray) -> np.ndarray:
    """Each factor divided by the mean of the week of factors ending at its row (rows t-6..t: one
    of each weekday, each from its own past). The level is a mean over whole weeks, so the factors
    must average 1 over a week; shrinking each toward 1 by its own noise pulls a busy weekday's
    small excess in more than a weekend's deep dip, and the week then averaged under 1
    (expected ran 0.035 sd low on ordinary days, half of it from the shrinkage)."""
    total = np.concatenate((np.zeros((1,) + profile.shape[1:]), np.cumsum(profile, axis=0)))
    rows = np.arange(profile.shape[0])
    mean = (total[rows + 1] - total[np.maximum(rows - 6, 0)]) / (rows - np.maximum(rows - 6, 0) + 1)[:, None]
    with np.errstate(all="ignore"):
        out = profile / mean
    return np.where(np.isfinite(out) & (rows >= 6)[:, None], out, profile)


def _pooled_level(history: np.ndarray, short: np.ndarray, n_short: np.ndarray,
                  long_days: int) -> tuple[np.ndarray, np.ndarray]:
    """The short level pulled toward the mean of the last `long_days` days by as much as its own
    noise could explain their difference (positive-part James-Stein: w = var(d) / d^2, at most 1).
    A quiet series keeps a level from many weeks, so its baseline error no longer rivals a +60%
    spike; after a level shift or a trend d^2 dwarfs var(d) and the short level stands alone.
    var(d) = sigma^2 (1/n_short - 1/n_long), sigma^2 from differences a week apart (they cancel
    the weekly cycle: var(x_t - x_t-7) = 2 sigma^2 for a steady series)."""
    long, n_long = _past_mean_count(history, long_days, long_days // 2 + 1)
    weekly_diff = history - _shift(history, 7)
    sigma2 = _past_mean_count(weekly_diff * weekly_diff, long_days, 7)[0] / 2
    d = short - long
    with np.errstate(all="ignore"):
        var_d = sigma2 * np.maximum(1 / n_short - 1 / n_long, 0.0)
        w = np.clip(var_d / (d * d), 0.0, 1.0)
    w = np.where(np.isfinite(w) & ~np.isnan(long), w, 0.0)
    pooled = short - w * np.nan_to_num(d)
    # Effective number of days behind the pooled level, for its error share.
    with np.errstate(all="ignore"):
        n_eff = 1 / ((1 - w) / n_short + w / np.where(np.isnan(n_long), n_short, n_long))
    return pooled, n_eff


def baseline_error_shares(n_level: np.ndarray, n_weeks: np.ndarray,
                          s: DetectorSettings) -> tuple[np.ndarray | None, np.ndarray | None]:
    """Variance of the daily baseline's own error as a share of one day's noise variance: a mean of
    n days has 1/n of it; a median of n weekday ratios (each itself a ratio to a noisy level) about
    (pi/2)(1 + 1/n_level)/n. The oracle knows the true mean; the detector has to allow for these,
    most of all in sums of days, where the level's error does not average out."""
    if not s.baseline_error:
        return None, None
    with np.errstate(all="ignore"):
        level = 1.0 / np.maximum(np.nan_to_num(n_level, nan=1.0), 1.0)
        factor = PROFILE_VARIANCE_FACTOR[s.daily_profile_stat]
        profile = np.where(n_weeks > 0, factor * (1 + level) / np.maximum(n_weeks, 1), 0.0)
    return level, profile


