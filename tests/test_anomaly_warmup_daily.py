"""A sub-daily series' first two weeks: before it has weekly slots, it expects each point from the
same slot of the day over its last days, so its daily cycle is expected from day two and a burst
on day 5 is still news (anomaly/warmup.py)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from anomaly.detector import detect_series
from anomaly.settings import DetectorSettings, SettingsError

STEPS_PER_DAY = 288   # 5 minutes


def five_minute_index(days: int) -> pd.DatetimeIndex:
    return pd.date_range("2026-03-02", periods=days * STEPS_PER_DAY, freq="5min")


def square_wave(days: int) -> pd.Series:
    """40 from 08:00 to 18:00, 10 otherwise; no noise (a job that runs office hours)."""
    index = five_minute_index(days)
    on = (index.hour >= 8) & (index.hour < 18)
    return pd.Series(np.where(on, 40.0, 10.0) + 0.5, index=index)   # not integers: a level series


def daily_counts(days: int, seed: int = 3) -> tuple[pd.Series, np.ndarray]:
    """Poisson counts per 5 minutes around a daily sine from 6 to 30 (mean 18)."""
    index = five_minute_index(days)
    phase = (index.hour * 60 + index.minute).to_numpy() / 1440
    rate = 18 + 12 * np.sin(2 * np.pi * (phase - 0.25))
    counts = np.random.default_rng(seed).poisson(rate).astype(float)
    return pd.Series(counts, index=index), rate


def test_a_ten_day_five_minute_daily_cycle_raises_no_alert():
    for series in (square_wave(10), daily_counts(10)[0]):
        out = detect_series(series)
        assert not out["is_anomaly"].any()


def test_the_square_wave_is_expected_exactly_from_its_first_verdicts():
    """The slot of the day is taken exactly (not smoothed over an hour): on day 4 every point, the
    edges at 08:00 and 18:00 included, is expected at the value the three days before had there.
    Verdicts cover all of day 4. With the band from recurring residuals (`warmup_band_from =
    recurring`, not the default) they start at 23:00 on day 3: expected from one day of history
    (`first_expected_days`), and those residuals need the same time the day before (+-1 hour)."""
    out = detect_series(square_wave(10))
    day4 = out.iloc[3 * STEPS_PER_DAY:4 * STEPS_PER_DAY]
    assert np.array_equal(day4["expected"].to_numpy(), day4["value"].to_numpy())
    assert day4["upper"].notna().all()
    recurring = detect_series(square_wave(10), DetectorSettings(warmup_band_from="recurring"))
    assert recurring["upper"].first_valid_index() == pd.Timestamp("2026-03-04 23:00")
    assert recurring.iloc[4 * STEPS_PER_DAY:]["upper"].notna().all()
    assert day4.loc["2026-03-05 08:00", "expected"] == 40.5
    assert day4.loc["2026-03-05 07:55", "expected"] == 10.5


def with_night_burst() -> tuple[pd.Series, int]:
    """Day 5, 00:00-02:00, three times the rate (6-8 a step there, so 18-24: no more than a busy
    afternoon, but three times what that hour of the night brings)."""
    series, rate = daily_counts(10)
    start = 4 * STEPS_PER_DAY
    burst = slice(start, start + 24)
    series.iloc[burst] = np.random.default_rng(4).poisson(3 * rate[burst]).astype(float)
    return series, start


def test_a_two_hour_burst_of_three_times_on_day_five_is_found():
    """Flagged from its second point (5 minutes in) by default, where 00:00 is expected at 5.3 (the
    median of the four days' 25-minute means); from its first with each 5-minute slot alone (3.0)."""
    series, start = with_night_burst()
    out = detect_series(series)
    flagged = out["is_anomaly"].to_numpy()
    assert flagged[start + 1] and not flagged[:start].any()
    out = detect_series(series, DetectorSettings(warmup_smooth_minutes=0))
    flagged = out["is_anomaly"].to_numpy()
    assert flagged[start] and flagged[start:start + 24].any()
    # Nothing else, except points of the 2 hours after it whose sums still hold burst points
    # (`window_hours_subdaily`): they continue the same alert (merge gap 6 hours).
    assert not np.delete(flagged, np.arange(start, start + 24 + 24)).any()
    # Expected: the median of the same slot on the four days before (1, 2, 6, 4 at 00:00 here).
    assert [series.iloc[start - k * STEPS_PER_DAY] for k in (1, 2, 3, 4)] == [1, 2, 6, 4]
    assert out["expected"].iloc[start] == 3.0


def test_a_level_alone_could_not_see_that_burst():
    """What the slot of the day buys: with the level only (the previous warm-up), the day's own
    cycle widens the band so far that the same burst is inside it (expected 17, upper 98); and
    from day 2, before the cycle has been seen twice, the level alone flags the daily peak."""
    series, start = with_night_burst()
    level_alone = detect_series(series, DetectorSettings(warmup_daily_days=0))["is_anomaly"]
    assert not level_alone.iloc[start:start + 24].any()


def test_a_flat_noisy_series_keeps_its_level():
    """auto: a flat series has no daily cycle, and a median of a few draws of one slot fits it worse
    than a level over two days of points, so nothing changes there."""
    index = five_minute_index(10)
    series = pd.Series(50 + np.random.default_rng(5).normal(0, 2, len(index)), index=index)
    now = detect_series(series)["expected"].to_numpy()
    level_only = detect_series(series, DetectorSettings(warmup_daily_days=0))["expected"].to_numpy()
    assert np.array_equal(now, level_only, equal_nan=True)


def test_warmup_daily_is_checked():
    with pytest.raises(SettingsError, match="warmup_daily"):
        DetectorSettings(warmup_daily="sometimes")
