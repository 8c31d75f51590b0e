"""Issue 16, branch issue-16h: a run of days below the band (a holiday pair) is left out of a daily
count series' level, as days beyond the band are, while a single low day still counts."""
from __future__ import annotations

import numpy as np
import pytest

from anomaly.baseline import Baseline, _week_mean_one
from anomaly.clean_baseline import beyond_band, clean_baseline, dip_runs
from anomaly.rolling import DAY_SECONDS
from anomaly.settings import DetectorSettings


def test_every_day_of_a_run_of_two_or_more_low_days_is_a_dip():
    low = np.array([0, 1, 0, 1, 1, 0, 1, 1, 1, 0], dtype=bool)[:, None]
    assert dip_runs(low, 2)[:, 0].astype(int).tolist() == [0, 0, 0, 1, 1, 0, 1, 1, 1, 0]
    assert dip_runs(low, 3)[:, 0].astype(int).tolist() == [0, 0, 0, 0, 0, 0, 1, 1, 1, 0]


def test_two_days_in_a_row_below_the_band_at_p_0_1_are_replaced_and_one_is_not():
    # expected 100, scale 1: sd = sqrt(100 + 0.01 x 100^2) = 14.142. Inside 2 sd the tail is the
    # normal one with a continuity half: 80 -> Phi((80 - 100 + 0.5) / 14.142) = Phi(-1.379) = 0.084
    # (<= 0.1, but far from the cleaning's 0.001); 88 -> Phi(-0.813) = 0.208.
    values = np.array([100, 100, 80, 100, 80, 80, 100, 88, 88, 100], dtype=float)[:, None]
    base = Baseline(expected=np.full(values.shape, 100.0), scale=np.ones(values.shape),
                    seasonal_weeks=np.zeros(values.shape, dtype=np.int16))
    s = DetectorSettings()
    flags = beyond_band(values, base, s, True, max_run=7, daily_counts=True)
    assert flags[:, 0].astype(int).tolist() == [0, 0, 0, 0, 1, 1, 0, 0, 0, 0]
    # Sub-daily series are left as they were.
    assert not beyond_band(values, base, s, True, max_run=7, daily_counts=False).any()


def _alternating_with(low_rows: list[int]) -> np.ndarray:
    values = np.where(np.arange(140) % 2 == 0, 95.0, 105.0)
    values[low_rows] = 78.0
    return values[:, None]


def test_a_holiday_pair_does_not_drag_the_14_day_level():
    # A daily series alternating 95 / 105 (level 100; no weekday profile: min_seasonal_weeks is out
    # of reach, and no long level, so expected is the mean of the last 14 cleaned days). Rows 120
    # and 121 fall to 78 (p 0.06-0.07 each, not beyond the cleaning's 0.001).
    s = DetectorSettings(daily_level_long_days=0, min_seasonal_weeks=1000)
    kept = clean_baseline(_alternating_with([120, 121]), DAY_SECONDS, DetectorSettings(
        daily_level_long_days=0, min_seasonal_weeks=1000, clean_dip_alpha=0.0), True)
    # Without the dip rule row 122 sees rows 108..121: (6 x 95 + 6 x 105 + 78 + 78) / 14 = 96.857.
    assert kept.expected[122, 0] == pytest.approx(1356 / 14, abs=1e-6)
    cleaned = clean_baseline(_alternating_with([120, 121]), DAY_SECONDS, s, True)
    # With it, row 120 is replaced by its expected, 100 (rows 106..119: seven 95s, seven 105s), and
    # row 121 by the expected it had when the pass that replaced it ran, with row 120 still 78:
    # (6 x 95 + 78 + 7 x 105) / 14 = 98.786. Row 122: (6 x 95 + 100 + 6 x 105 + 98.786) / 14.
    assert cleaned.expected[122, 0] == pytest.approx((570 + 100 + 630 + 1383 / 14) / 14, abs=1e-6)


def test_a_single_low_day_still_counts_in_the_level():
    s = DetectorSettings(daily_level_long_days=0, min_seasonal_weeks=1000)
    base = clean_baseline(_alternating_with([120]), DAY_SECONDS, s, True)
    # Rows 108..121: (6 x 95 + 78 + 7 x 105) / 14 = 98.786.
    assert base.expected[122, 0] == pytest.approx(1383 / 14, abs=1e-6)


def test_the_weekday_factors_of_each_week_of_rows_average_one():
    # Shrunk factors 1.1 on five weekdays and 0.5 on two average (5.5 + 1.0) / 7 = 0.928571 over any
    # seven rows: each is divided by it (1.1 -> 1.184615, 0.5 -> 0.538462). The first six rows have
    # no whole week behind them and stay as they are.
    profile = np.tile([1.1, 1.1, 1.1, 1.1, 1.1, 0.5, 0.5], 3)[:, None]
    out = _week_mean_one(profile)
    assert out[:6, 0] == pytest.approx(profile[:6, 0])
    assert out[6:, 0] == pytest.approx(profile[6:, 0] / (6.5 / 7))
    assert out[7:14, 0].mean() == pytest.approx(1.0)
