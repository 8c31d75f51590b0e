"""The daily weekday profile: a winsorized mean of past weeks' ratios, and the band's allowance for it."""
from __future__ import annotations

import numpy as np
import pytest

from anomaly.baseline import _profile, baseline_error_shares
from anomaly.settings import DetectorSettings, SettingsError


def _ratios_before_row_5() -> np.ndarray:
    # Row 5 sees rows 4, 3, 2, 1, 0 at lags 1..5: ratios 5.0 (a spike week), 1.0, 0.9, 1.1, 1.0.
    return np.array([1.0, 1.1, 0.9, 1.0, 5.0, 1.0])[:, None]


def test_a_spike_week_counts_as_two_robust_sds_in_the_winsorized_profile():
    # median 1.0; |ratio - median| = 4.0, 0, 0.1, 0.1, 0 -> MAD 0.1; clip at 1.0 +- 2 x 1.4826 x 0.1
    # = [0.70348, 1.29652]; the 5.0 becomes 1.29652; mean (1.29652 + 1.0 + 0.9 + 1.1 + 1.0) / 5.
    profile, n, spread = _profile(_ratios_before_row_5(), [1, 2, 3, 4, 5], "winsorized")
    assert n[5, 0] == 5
    assert spread[5, 0] == pytest.approx(0.1, rel=1e-6)
    assert profile[5, 0] == pytest.approx(5.29652 / 5, rel=1e-6)
    # The plain mean would be 1.8; the median ignores the spike and the 0.9 / 1.1 weeks alike.
    median, _, _ = _profile(_ratios_before_row_5(), [1, 2, 3, 4, 5], "median")
    assert median[5, 0] == pytest.approx(1.0)


def test_rows_with_fewer_past_weeks_average_what_they_have():
    # Row 2 sees rows 1 and 0 (1.1, 1.0): median 1.05, MAD 0.05, nothing clipped, mean 1.05.
    profile, n, _ = _profile(_ratios_before_row_5(), [1, 2, 3, 4, 5], "winsorized")
    assert n[2, 0] == 2 and profile[2, 0] == pytest.approx(1.05, rel=1e-6)
    assert n[0, 0] == 0 and np.isnan(profile[0, 0])


def test_the_band_allows_for_the_profiles_error_by_its_efficiency_and_weeks():
    # Level from 14 days (share 1/14). Median of 12 weeks: (pi/2)(1 + 1/14)/12 = 0.14025;
    # winsorized mean of 26 weeks (the defaults): 1.05 (1 + 1/14)/26 = 0.043269.
    n_level, n_weeks = np.array([[14.0]]), np.array([[12]])
    median = DetectorSettings(daily_profile_stat="median", daily_profile_weeks=12)
    level, profile = baseline_error_shares(n_level, n_weeks, median)
    assert level[0, 0] == pytest.approx(1 / 14)
    assert profile[0, 0] == pytest.approx(0.14025, abs=1e-5)
    _, profile = baseline_error_shares(n_level, np.array([[26]]), DetectorSettings())
    assert profile[0, 0] == pytest.approx(0.043269, abs=1e-6)


def test_an_unknown_profile_statistic_is_a_settings_error():
    with pytest.raises(SettingsError, match="daily_profile_stat"):
        DetectorSettings(daily_profile_stat="mode")
