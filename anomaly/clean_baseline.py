"""A baseline a spike cannot drag: what lies beyond the band is replaced by its expectation.

The baseline (anomaly/baseline.py) learns from past points only, through medians. A 4-day spike
is still most of a 7-day level window and one of four weekly slots, so on its own the spike
would lift `expected` and the band for weeks and hide a second spike. Here every point beyond the
band it was judged against is replaced, in the history the baseline and the band learn from, by
its expectation; its residual is left out of the dispersion estimate. Which points are replaced
depends on the baseline, which depends on the replaced points before them, so the pass repeats
until no point changes (a causal fixed point: each verdict still uses only the past).

A run of replaced points longer than `shift_days` is not a spike but a new level: from there on
points feed the baseline again, so a level shift raises one alert and the baseline then follows.

Daily counts also replace runs of two or more days below the band at a looser p (`clean_dip_alpha`):
holiday pairs, which otherwise drag the level for two weeks (dip_runs).
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from anomaly.band import band
from anomaly.baseline import Baseline, compute_baseline
from anomaly.rolling import DAY_SECONDS, steps_per
from anomaly.settings import DetectorSettings


def run_lengths(flags: np.ndarray) -> np.ndarray:
    """Per point: how many consecutive flagged points end there (0 where not flagged), per column."""
    c = np.cumsum(flags, axis=0)
    last_reset = np.maximum.accumulate(np.where(flags, 0, c), axis=0)
    return np.where(flags, c - last_reset, 0)


def beyond_band(history: np.ndarray, base: Baseline, s: DetectorSettings, is_counts: bool,
                max_run: int, daily_counts: bool = False) -> np.ndarray:
    """Points with a tail probability (either side) of at most `clean_alpha`, except from the
    `max_run`-th of a run on: a new level. Looser than the alerting band on purpose: a holiday at
    half the usual volume is no alert, but it is no normal day to learn a level from either.
    Daily counts (`daily_counts`; sub-daily series are left as they were) also replace every day of
    a run of `clean_dip_days` or more days each below the band at `clean_dip_alpha` (dip_runs)."""
    b = band(history, base, s, is_counts, exact_beyond=2.0)   # p <= 0.001 lies beyond 2 sd
    out = b.defined & ((b.p_up <= s.clean_alpha) | (b.p_down <= s.clean_alpha))
    if daily_counts and s.clean_dip_alpha > 0:
        out |= dip_runs(b.defined & (b.p_down <= s.clean_dip_alpha), s.clean_dip_days)
    return out & (run_lengths(out) <= max_run)


def dip_runs(low: np.ndarray, min_days: int) -> np.ndarray:
    """Every point of a run of at least `min_days` consecutive low points. A holiday pair (Dec 24-25,
    Dec 31-Jan 1) at half the volume is seldom beyond p <= 0.001 on a small or noisy series, so it
    stayed in the 14-day level (2 x 0.5 / 14: 7% low for two weeks, more with a cluster of four)
    and the first ordinary days after it looked like a rise; two days in a row below the band are
    a holiday or an outage, no days to learn a level from. A single low day still counts. The
    first day of a run is marked once the second is seen: that changes only the baseline of the
    run's own days, which lie below the band and so never raise an up-alert."""
    ahead = run_lengths(low[::-1])[::-1]          # low points from here on, this one included
    return low & (run_lengths(low) + ahead - 1 >= min_days)


def clean_baseline(history: np.ndarray, step_seconds: float, s: DetectorSettings, is_counts: bool) -> Baseline:
    """The baseline of `history` (NaN = unusable) with points beyond the band replaced by expected."""
    base = compute_baseline(history, step_seconds, s, is_counts)
    if s.clean_passes <= 0:
        return base
    max_run = steps_per(s.shift_days * DAY_SECONDS, step_seconds)
    replaced = np.zeros(history.shape, dtype=bool)
    cols = np.arange(history.shape[1])
    # Daily steps keep the replaced points' raw residuals in the MAD: it is a median, so what counts
    # is that they are large, and leaving them out truncates the residuals and shrinks the scale,
    # which replaces more points next pass (a noisy 73-a-day series ended with expected 20% low).
    raw_scale = (s.clean_scale_daily if step_seconds >= DAY_SECONDS else s.clean_scale) == "raw"
    for _ in range(s.clean_passes):
        flags = beyond_band(history[:, cols], _columns(base, cols), s, is_counts, max_run,
                            daily_counts=step_seconds >= DAY_SECONDS and is_counts)
        changed = np.any(flags != replaced[:, cols], axis=0)
        if not changed.any():
            break
        cols = cols[changed]
        replaced[:, cols] = flags[:, changed]
        cleaned = np.where(replaced[:, cols], base.expected[:, cols], history[:, cols])
        sub = compute_baseline(cleaned, step_seconds, s, is_counts,
                               scale_from=history[:, cols] if raw_scale else None,
                               shape_from=history[:, cols],
                               skip_residuals=None if raw_scale else replaced[:, cols])
        base = _assign(base, cols, sub)
    return base


ARRAYS = ("expected", "scale", "seasonal_weeks", "level_error", "profile_error", "bulk_scale")


def _columns(base: Baseline, cols: np.ndarray) -> Baseline:
    return Baseline(*(None if getattr(base, f) is None else getattr(base, f)[:, cols] for f in ARRAYS))


def _assign(base: Baseline, cols: np.ndarray, sub: Baseline) -> Baseline:
    out = {}
    for f in ARRAYS:
        whole, part = getattr(base, f), getattr(sub, f)
        if whole is None or part is None:
            continue
        whole = whole.copy()
        whole[:, cols] = part
        out[f] = whole
    return replace(base, **out)
