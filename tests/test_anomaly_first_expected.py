"""How much history a sub-daily series needs before its first expected value."""
import numpy as np
import pytest

from anomaly.baseline import compute_baseline
from anomaly.settings import DetectorSettings


@pytest.mark.parametrize(("overrides", "first_row"), [
    ({}, 24),                                # first_expected_days = 1: one day covers a daily cycle once
    ({"first_expected_days": 0.0}, 48),      # one level window: level_days = 2 days of hours
    ({"first_expected_days": 0.5}, 12),      # never below min_history_points = 12
    ({"first_expected_days": 0.25}, 12),
])
def test_first_expected_value_of_an_hourly_series(overrides, first_row):
    history = np.full((24 * 5, 1), 40.0)
    expected = compute_baseline(history, 3600, DetectorSettings().with_overrides(overrides), is_counts=True).expected
    assert np.isnan(expected[:first_row, 0]).all()
    assert not np.isnan(expected[first_row, 0])
