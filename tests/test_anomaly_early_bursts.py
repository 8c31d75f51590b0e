"""A sub-daily count series' first two weeks (issue 16, 2026-12-07 morning): the warm-up can compare
the slot of the day with the level by squared error on counts (`warmup_fit = squared`, an option: a
sparse series is otherwise expected at its slot median, 0), and a candidate that its hour sum
makes one is news when that sum beats the past hours (anomaly/warmup.py, anomaly/detector.py)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from anomaly.detector import SumRise, _novel_runs, detect_series
from anomaly.settings import DetectorSettings, SettingsError
from anomaly.warmup import daily_slot_expected

FIVE_MIN, DAY_ROWS = 300, 288
WINDOW = 576          # the 2-day level window at 5 minutes


def diagonal_sparse(days: int) -> np.ndarray:
    """5-minute counts: 4 where (slot + day) % 4 == 0, else 0. Every day has 72 fours in 288 slots,
    so any whole days have mean 1; the same slot over 5-7 past days holds at most two fours, so its
    median is 0."""
    day, slot = np.divmod(np.arange(days * DAY_ROWS), DAY_ROWS)
    return np.where((slot + day) % 4 == 0, 4.0, 0.0)


def slot_choice(settings: DetectorSettings, is_counts: bool) -> float:
    """The warm-up's expectation on day 7 (row 7 x 288 + 5) with a level of 1 everywhere. Over the
    last level window (days 5-6) the slot median is 0 on every row: mean |x - 0| = 1 against
    mean |x - 1| = (3 x 1 + 3) / 4 = 1.5, but mean (x - 0)^2 = 16 / 4 = 4 against
    mean (x - 1)^2 = (3 x 1 + 9) / 4 = 3."""
    history = diagonal_sparse(8)[:, None]
    level = np.ones_like(history)
    out = daily_slot_expected(history, level, np.ones(history.shape, dtype=bool), FIVE_MIN, WINDOW,
                              settings, is_counts)
    return float(out[7 * DAY_ROWS + 5, 0])


SQUARED = DetectorSettings(warmup_fit="squared")    # an option; the default is "absolute"
SLOT_ALONE = DetectorSettings(warmup_smooth_minutes=0)   # each 5-minute slot alone, not its 25 minutes


def test_counts_compare_slot_and_level_by_squared_error_when_asked():
    assert slot_choice(SQUARED, is_counts=True) == 1.0
    assert slot_choice(SLOT_ALONE, is_counts=True) == 0.0
    # By default each slot is first the mean of its 25 minutes, which hold one or two fours: 0.8 or
    # 1.6 a day, and the median over the days is 0.8, nearer the true mean (1) than 0.
    assert slot_choice(DetectorSettings(), is_counts=True) == pytest.approx(0.8)
    # Level series (minutes, percentages) always compare absolute residuals.
    assert slot_choice(SQUARED, is_counts=False) == 0.0


@pytest.mark.parametrize("minutes", [-5, 1441, 1e300])
def test_the_warm_up_smoothing_is_bounded(minutes):
    with pytest.raises(SettingsError, match="warmup_smooth_minutes"):
        DetectorSettings(warmup_smooth_minutes=minutes)


def test_a_sparse_series_is_expected_at_its_mean_in_the_warm_up_with_squared_fit():
    """End to end: on day 7 (no weekly slot yet) the level, the mean of the last two days, is
    exactly 144 x 4 / 576 = 1; with each slot alone its median of 0 wins and the count model falls
    to its 0.2 floor; by default (the slot's 25 minutes) it is expected at 0.8."""
    index = pd.date_range("2026-03-02", periods=8 * DAY_ROWS, freq="5min")
    series = pd.Series(diagonal_sparse(8), index=index)
    row = 7 * DAY_ROWS + 5
    assert detect_series(series, SQUARED)["expected"].iloc[row] == pytest.approx(1.0, abs=1e-12)
    assert detect_series(series, SLOT_ALONE)["expected"].iloc[row] == 0.0
    assert detect_series(series)["expected"].iloc[row] == pytest.approx(0.8)


def novelty_case(hit_at_15: bool, width: int) -> np.ndarray:
    """30 rows, one column, novelty over the last 20 rows. Row 5 was a blip (point rise 2.0); the
    candidate at row 15 rises 1.0 as a point, so it is no news by its points. Its hour sum rises 1.2;
    past sums rose 0.5, except the two sums just before it (rows 13-14, 1.5), which overlap its own
    window of 3 rows and are its own rise, not a past one."""
    n = 30
    candidates = np.zeros((n, 1), dtype=bool)
    candidates[15] = True
    rise = np.zeros((n, 1))
    rise[5], rise[15] = 2.0, 1.0
    sum_rise = np.full((n, 1), 0.5)
    sum_rise[13:15], sum_rise[15] = 1.5, 1.2
    hit = np.zeros((n, 1), dtype=bool)
    hit[15] = hit_at_15
    sums = SumRise(sum_rise, hit, width)
    return _novel_runs(candidates, rise, np.ones((n, 1)), 1, 20, DetectorSettings(), None, sums)[:, 0]


def test_a_candidate_from_an_overwhelming_hour_sum_is_news_when_the_sum_beats_past_sums():
    assert np.flatnonzero(novelty_case(hit_at_15=True, width=3)).tolist() == [15]
    # Not made a candidate by an overwhelming sum (p above novelty_sum_alpha): points decide, no news.
    assert not novelty_case(hit_at_15=False, width=3).any()
    # A one-row "sum" has no own window to leave out: 1.2 does not beat the 1.5 just before it.
    assert not novelty_case(hit_at_15=True, width=1).any()


def test_an_unknown_warm_up_fit_is_refused():
    with pytest.raises(SettingsError, match="warmup_fit"):
        DetectorSettings(warmup_fit="median")
