"""The sub-daily baseline is level x slot / slots' level: the slots' level must be the same statistic
as the level, or an office-hours series is expected far above what it does in its busy hours."""
import numpy as np
import pytest

from anomaly.baseline import compute_baseline
from anomaly.settings import DetectorSettings

HOUR = 3600


def office_hours(weeks: int = 4, busy: float = 100.0) -> np.ndarray:
    """Hourly counts: `busy` from 09:00 to 17:59 every day, 0 otherwise (9 of 24 hours)."""
    day = np.where((np.arange(24) >= 9) & (np.arange(24) < 18), busy, 0.0)
    return np.tile(day, 7 * weeks)[:, None]


@pytest.mark.parametrize(("stat", "low", "high"), [
    # level = 37.5 (mean of the last 48 h), slot = 100, slots' mean = 37.5, pseudo-count 5:
    # 37.5 x 105 / 42.5 = 92.6
    ("match", 92.0, 93.2),
    # the slots' median over 48 h is 0: (100 + 5) / 5 = 21, clipped to 10 -> 375
    ("median", 370.0, 380.0),
])
def test_busy_hour_expected_from_the_matching_statistic(stat, low, high):
    settings = DetectorSettings().with_overrides({"seasonal_level_stat": stat})
    history = office_hours()
    noon_week_three = 7 * 24 * 2 + 3 * 24 + 12
    expected = compute_baseline(history, HOUR, settings, is_counts=True).expected
    assert low <= expected[noon_week_three, 0] <= high


def test_quiet_hour_still_expected_near_zero():
    expected = compute_baseline(office_hours(), HOUR, DetectorSettings(), is_counts=True).expected
    three_am_week_three = 7 * 24 * 2 + 3 * 24 + 3
    # level 37.5 x (0 + 5) / 42.5 = 4.4: the pseudo-count's floor, far below a busy hour
    assert expected[three_am_week_three, 0] == pytest.approx(37.5 * 5 / 42.5, rel=0.02)


def test_unknown_statistic_is_a_settings_error():
    from anomaly.settings import SettingsError
    with pytest.raises(SettingsError, match="seasonal_level_stat"):
        DetectorSettings().with_overrides({"seasonal_level_stat": "mode"})
