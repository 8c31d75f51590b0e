"""A sub-daily series' first two weeks, before the weekly slots of anomaly/baseline.py exist.

With a level alone a daily cycle is all residual. So, while there is no weekly slot:
- each point is expected from the same slot of the day over the last days, where that fits the
  series better than its level (a series with a daily cycle; `warmup_daily`, compared as
  `warmup_fit` says);
- the residual scale of those points is measured against that expectation; the weekly model
  after the warm-up keeps the scale it had (`warmup_daily_scale = split`), or on hourly counts
  the larger of its own residuals' scale and that of the residuals against the slot of the day
  (`warmup_daily_scale_hourly = own`): never those against the level alone;
- the band is at least the `warmup_quantile` of the last level window's residuals, each cut to
  the largest one the same time the day before had (`warmup_band_from = recurring`: a daily cycle
  comes back, a burst does not), and there is no verdict until half a window of them has shown
  what the cycle does.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from anomaly.residual_scale import count_variance, residual_scale
from anomaly.rolling import DAY_SECONDS, HOUR_SECONDS, _nanmedian_first_axis, _past_mean_count, _shift, steps_per
from anomaly.settings import DetectorSettings


def warmup_baseline(history: np.ndarray, scale_history: np.ndarray, expected: np.ndarray,
                    level_only: np.ndarray, step_seconds: float, window: int, s: DetectorSettings,
                    is_counts: bool) -> tuple[np.ndarray, np.ndarray]:
    """Expected values and scale of a sub-daily baseline, with the warm-up rows replaced."""
    by_slot = expected
    if s.warmup_daily_days > 0:
        by_slot = daily_slot_expected(history, expected, level_only, step_seconds, window, s, is_counts)
    mode = s.warmup_daily_scale if step_seconds < HOUR_SECONDS else s.warmup_daily_scale_hourly
    if mode == "own" and not is_counts:
        # Level series (small-noise daily cycles) paged at the weekly model's first days with "own"
        # (generated quiet series, seeds 2-3: 3 more false alerts), and "split" scored as well.
        mode = "split"
    if mode == "split" or by_slot is expected:
        scale = residual_scale(scale_history, expected, step_seconds, s, is_counts)
        if by_slot is not expected:
            # The warm-up's scale from residuals against the slot of the day; the weekly model
            # keeps the one it had (measured against the level alone during the warm-up): its first
            # weeks, from two past weeks and a two-day level (a Monday after a low weekend), are
            # rougher than a scale learned on the slot of the day allows (sub-daily spike seeds
            # 1-2: false alerts on days 14-20 went 1 -> 3-4 with one scale for both).
            n = _warmup_rows(level_only)
            warm = residual_scale(scale_history[:n], by_slot[:n], step_seconds, s, is_counts)
            scale[:n] = np.where(level_only[:n], warm, scale[:n])
    elif mode == "own":
        scale = _own_model_scale(scale_history, by_slot, level_only, step_seconds, s, is_counts)
    else:
        scale = residual_scale(scale_history, by_slot, step_seconds, s, is_counts)
    if s.warmup_quantile > 0:
        scale = warmup_scale(scale, scale_history, by_slot, level_only, window, s, is_counts, step_seconds)
    return by_slot, scale


def _own_model_scale(scale_history: np.ndarray, by_slot: np.ndarray, level_only: np.ndarray,
                     step_seconds: float, s: DetectorSettings, is_counts: bool) -> np.ndarray:
    """Each model judged by its own residuals: the warm-up by those against the slot of the day; the
    weekly model by the larger of its own residuals' scale (once it has some) and the scale of all
    residuals against whatever was expected at the time. Its first weeks are rougher than the
    warm-up's (two past weeks, a two-day level), and that shows in its own residuals within a day,
    where residuals against the level alone (a daily cycle, all of it residual) widened its band for
    the two weeks they stayed in the window."""
    shared = residual_scale(scale_history, by_slot, step_seconds, s, is_counts)
    own = residual_scale(scale_history, np.where(level_only, np.nan, by_slot), step_seconds, s, is_counts)
    return np.where(level_only, shared, np.fmax(shared, own))


def daily_slot_expected(history: np.ndarray, level_expected: np.ndarray, level_only: np.ndarray,
                        step_seconds: float, window: int, s: DetectorSettings,
                        is_counts: bool = False) -> np.ndarray:
    """While a sub-daily series has no weekly slot yet (its first two weeks), expect each point from
    the same slot of the day over the last 1..`warmup_daily_days` days (their median; a level's slot
    taken exactly: smoothed over an hour, every steep edge of a square wave became a residual; a
    count's finer than an hour first the mean of its `warmup_smooth_minutes`), so a daily cycle is
    expected from day two and the scale measures what is left. With `warmup_daily = auto`
    only where that reference has fitted the last level window better than the level (mean
    |residual|, or squared on counts: `_fit_loss`): a flat noisy series is better served by a level
    from hundreds of points than by a median of a few draws of the same slot."""
    day = steps_per(DAY_SECONDS, step_seconds)
    n = _warmup_rows(level_only)
    usable = [k for k in range(1, s.warmup_daily_days + 1) if k * day < n]
    if not usable:
        return level_expected
    x, level = history[:n], level_expected[:n]
    past = _slot_counts_smoothed(x, step_seconds, s) if is_counts else x
    reference, _ = _nanmedian_first_axis(np.stack([_shift(past, k * day) for k in usable]), overwrite=True)
    use = level_only[:n] & ~np.isnan(reference) & ~np.isnan(level)
    if s.warmup_daily == "auto":
        loss = _fit_loss(is_counts, s)
        fit_daily = _past_mean_count(loss(x - reference), window, max(1, window // 2))[0]
        fit_level = _past_mean_count(loss(x - level), window, max(1, window // 2))[0]
        use &= fit_daily < fit_level
    out = level_expected.copy()
    out[:n] = np.where(use, reference, level)
    return out


def _slot_counts_smoothed(x: np.ndarray, step_seconds: float, s: DetectorSettings) -> np.ndarray:
    """Counts finer than an hour, each the mean of the `warmup_smooth_minutes` around it, before the
    median over days: one 5-minute draw a day is a noisy reference (a slot of 1.7 a step is 0 on
    one day in six), and its neighbours a few minutes away have nearly its mean. Only past days are
    read, so the centred window looks at no point after the one judged."""
    width = steps_per(s.warmup_smooth_minutes * 60, step_seconds) | 1
    if step_seconds >= HOUR_SECONDS or width <= 1:
        return x
    return pd.DataFrame(x, copy=False).rolling(width, min_periods=1, center=True).mean().to_numpy()


def _fit_loss(is_counts: bool, s: DetectorSettings):
    """How the slot of the day and the level are compared (`warmup_fit`). Mean |residual| (the
    default) favours any median, and the median of a sparse count series' slot is 0 where its mean
    is 0.3-1: the warm-up then expects 0, the count model falls to its 0.2 floor, and every residual
    becomes a huge standardised one that sets the warm-up band (upper 28-350 against bursts of 4-13
    a step). With "squared", counts compare the loss the level (a mean) minimises, and such a
    series keeps its mean (benchmarks/README.md, anomaly section 5, session of 2026-12-07 morning:
    more early bursts found, one more false hourly alert on the project's sample)."""
    if is_counts and s.warmup_fit == "squared":
        return np.square
    return np.abs


def _warmup_rows(level_only: np.ndarray) -> int:
    """Rows up to the last one any series spends in its warm-up: every window is causal, so the
    warm-up's statistics need only these rows (a year of hourly series: its first two weeks)."""
    rows = np.flatnonzero(level_only.any(axis=1))
    return int(rows[-1]) + 1 if rows.size else 0


def warmup_scale(scale: np.ndarray, history: np.ndarray, expected: np.ndarray, level_only: np.ndarray,
                  window: int, s: DetectorSettings, is_counts: bool, step_seconds: float) -> np.ndarray:
    """Sub-daily points with no weekly slot yet: the scale is at least the `warmup_quantile` of the
    last level window's |residuals| (as a normal sd). With a level only, a daily cycle is all
    residual, and a MAD sees only its bulk: a square wave that sits at its low value most of the day
    has a MAD of its noise, and every rise to its high value would page until two weeks are in.
    Against the slot of the day the residuals are small and so is this band; it stays as a guard
    (the MAD alone there: 16 false alerts instead of 14 on sub-daily spike seed 1)."""
    resid = np.abs(history - expected)
    if is_counts:
        resid = resid / np.sqrt(count_variance(np.maximum(expected, 0.2), s))
    resid = _band_residuals(resid, scale, s, step_seconds)
    q = _shift(pd.DataFrame(resid, copy=False).rolling(window, min_periods=max(3, window // 2))
               .quantile(s.warmup_quantile).to_numpy(), 1)
    wide = q / float(stats.norm.isf((1 - s.warmup_quantile) / 2))
    # No verdict until half a level window of residuals has shown what the cycle does.
    return np.where(level_only, np.where(np.isnan(wide), np.nan, np.fmax(scale, wide)), scale)


def _band_residuals(resid: np.ndarray, scale: np.ndarray, s: DetectorSettings, step_seconds: float) -> np.ndarray:
    """The |residuals| the warm-up band learns from (`warmup_band_from`). The band is there for a
    daily cycle the level cannot know yet, which comes back every day; a burst does not.
    - "raw": all of them (a sparse series' own earlier bursts widen the band for two days);
    - "cleaned": those the MAD band puts beyond `clean_alpha` left out, as clean_baseline leaves
      replaced points out of the scale (it also leaves out the routine blips of a heavy-tailed
      sparse series, which then page: 3-4x the false alerts of the first two weeks, see
      benchmarks/README.md);
    - "recurring": each residual no larger than the largest one the same time of the previous day
      (within `warmup_recur_minutes`) had: a daily cycle's residual recurs and is kept whole, a
      burst's is cut to what the day before had at that time. The first day has no day before, so
      no residual for the band: its verdicts wait for the second day's, as they waited for half a
      level window already."""
    if s.warmup_band_from == "cleaned":
        limit = scale * float(stats.norm.isf(s.clean_alpha))
        return np.where(resid > limit, np.nan, resid)
    if s.warmup_band_from == "recurring":
        day = steps_per(DAY_SECONDS, step_seconds)
        half = int(s.warmup_recur_minutes * 60 // step_seconds)
        near = pd.DataFrame(resid, copy=False).rolling(2 * half + 1, center=True, min_periods=1).max().to_numpy()
        return np.minimum(resid, _shift(near, day))
    return resid
