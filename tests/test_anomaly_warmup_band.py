"""Issue 16, follow-up 2: the sub-daily warm-up band learns from residuals that recur a day later
(`warmup_band_from = recurring`, anomaly/warmup.py; not the default, see anomaly/settings.py). The band is there for a daily cycle the level
cannot know yet; a sparse series' own earlier bursts do not recur, so they no longer widen it for
two days and hide the next burst."""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from anomaly.detector import detect_series
from anomaly.settings import DetectorSettings, SettingsError
from anomaly.warmup import _band_residuals

STEPS_PER_DAY = 288   # 5 minutes
RAW = DetectorSettings(warmup_band_from="raw")     # the default
RECURRING = DetectorSettings(warmup_band_from="recurring")
# Sub-daily counts as before 2026-12-07: median level, no tail band, no sums of an hour.
PRE16E = DetectorSettings(tail_quantile=0.0, window_hours_subdaily=(), subdaily_count_level="median",
                          warmup_quantile=0.95, first_expected_days=0.0)


def sparse_with_day8_burst() -> tuple[pd.Series, slice]:
    """Three counts per 5 minutes on average (Poisson), no daily cycle; routine 5-10 minute noise
    bursts at x3, 15 a day at random times; day 8 (0-based 7), 10:00-11:00: x5, a sustained rise."""
    rng = np.random.default_rng(3)
    index = pd.date_range("2026-03-02", periods=10 * STEPS_PER_DAY, freq="5min")
    rate = np.full(len(index), 3.0)
    for start in rng.integers(0, len(index), 15 * 10):
        rate[start:start + int(rng.integers(1, 3))] = 9.0
    series = pd.Series(rng.poisson(rate).astype(float), index=index)
    burst = slice(7 * STEPS_PER_DAY + 120, 7 * STEPS_PER_DAY + 132)
    series.iloc[burst] = rng.poisson(15.0, 12).astype(float)
    return series, burst


def test_a_sustained_x5_burst_on_day_8_is_flagged_after_routine_noise_bursts():
    """From raw residuals the band's 95th percentile is set by the routine bursts of the last two
    days (about 8% of the points), and the hour at x5 stays inside it; those bursts do not come
    back at the same time the next day, so the band that learns from recurring residuals is
    narrower and the hour is flagged. (The routine bursts themselves are flagged more often too:
    the price, measured on sample_data's sparse series in benchmarks/README.md.)"""
    series, burst = sparse_with_day8_burst()
    assert detect_series(series, replace(PRE16E, warmup_band_from="recurring"))["is_anomaly"].iloc[burst].any()
    assert not detect_series(series, PRE16E)["is_anomaly"].iloc[burst].any()


def test_the_same_burst_is_flagged_by_its_hour_sum_with_the_defaults():
    """With the defaults (raw band) the hour at x5 is flagged anyway: the sum of the last hour is
    tested against the bulk scale, where no single point of it clears the warm-up band. From its
    5th point the sums (the burst's points against 3 each) reach `novelty_sum_alpha` (1e-8) and rise
    more than any past sum: news from there (from its 6th with the warm-up band at the 0.95
    quantile, the default before 2026-12-07 night). Judged by its points' rise alone
    (`novelty_sum_alpha = 0`) it is news only from its 11th point: the routine bursts of x3 set that
    reference."""
    series, burst = sparse_with_day8_burst()
    flagged = detect_series(series)["is_anomaly"].iloc[burst].to_numpy()
    assert np.flatnonzero(flagged).tolist() == list(range(4, 12))
    wider_warmup = detect_series(series, DetectorSettings(warmup_quantile=0.95))["is_anomaly"].iloc[burst]
    assert np.flatnonzero(wider_warmup.to_numpy()).tolist() == list(range(5, 12))
    by_points = detect_series(series, DetectorSettings(novelty_sum_alpha=0.0))["is_anomaly"].iloc[burst]
    assert np.flatnonzero(by_points.to_numpy()).tolist() == [10, 11]


def test_a_residual_counts_only_as_far_as_it_recurred_the_day_before():
    """Steps of 6 hours (4 a day: 00, 06, 12, 18). Day 1 has its rise at 12:00 where day 0 had it
    at 06:00, and a one-off 9 at 18:00. Each residual is cut to the largest of the day before within
    the window: with none, everything on day 1 is cut to 1; with 6 hours either side, 12:00's 5
    meets day 0's 06:00 and stays whole, while 18:00's 9 meets day 0's 12:00, 18:00 and day 1's
    00:00 (all 1) and is cut to 1. Day 0 has no day before: no residual for the band."""
    r = np.array([[1.0], [5.0], [1.0], [1.0], [1.0], [1.0], [5.0], [9.0]])
    exact = _band_residuals(r, np.ones_like(r), DetectorSettings(warmup_band_from="recurring", warmup_recur_minutes=0), 6 * 3600)
    assert np.isnan(exact[:4]).all()
    assert exact[4:, 0].tolist() == [1.0, 1.0, 1.0, 1.0]
    wide = _band_residuals(r, np.ones_like(r), DetectorSettings(warmup_band_from="recurring", warmup_recur_minutes=360), 6 * 3600)
    assert wide[4:, 0].tolist() == [1.0, 1.0, 5.0, 1.0]


def test_raw_residuals_are_kept_as_they_are():
    r = np.array([[1.0], [5.0], [1.0], [9.0]])
    assert np.array_equal(_band_residuals(r, np.ones_like(r), RAW, 6 * 3600), r)


def test_cleaned_leaves_out_what_the_mad_band_puts_beyond_clean_alpha():
    """clean_alpha 0.001 is 3.09 sd: with a scale of 2, residuals above 6.18 are left out."""
    r = np.array([[1.0], [6.0], [6.5], [9.0]])
    out = _band_residuals(r, np.full_like(r, 2.0), DetectorSettings(warmup_band_from="cleaned"), 300)
    assert out[:2, 0].tolist() == [1.0, 6.0] and np.isnan(out[2:]).all()


def test_daily_series_do_not_use_the_warm_up_band():
    index = pd.date_range("2026-01-05", periods=120, freq="D")
    values = np.random.default_rng(2).poisson(50, len(index)).astype(float)
    values[90:92] = 150
    series = pd.Series(values, index=index)
    a, b = detect_series(series), detect_series(series, RAW)
    pd.testing.assert_frame_equal(a, b)


def test_an_unknown_band_source_is_refused():
    with pytest.raises(SettingsError, match="warmup_band_from"):
        DetectorSettings(warmup_band_from="median")
