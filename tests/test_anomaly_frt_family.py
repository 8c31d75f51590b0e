"""First-response p90 in the warehouse scan: judged on a log scale (anomaly/scan.py), and no verdict
on days whose slowest replies may still be coming (anomaly/series.py)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from anomaly.scan import log_scale_verdicts
from anomaly.series import days_still_answering
from anomaly.settings import DetectorSettings

DAY = 86_400
FRT = DetectorSettings().with_overrides({"count_model": "continuous", "direction": "both",
                                        "min_excess": 30.0, "min_rise_pct": 50.0})


@pytest.mark.parametrize("usual_minutes, blank_days", [
    (600.0, [4]),          # day 3 ends 00:00 on day 4, + 10 h = 10:00 <= 12:00: judged
    (900.0, [3, 4]),       # + 15 h = 15:00 > 12:00: its slowest tenth may still be waiting
    (60.0, [4]),
    (3 * 1440.0, [1, 2, 3, 4]),
    (1e12, [0, 1, 2, 3, 4]),   # a data error: capped at a year, no overflow into the past
])
def test_days_whose_slowest_replies_may_still_come_get_no_verdict(usual_minutes, blank_days):
    index = pd.date_range("2026-03-02", periods=5, freq="D")
    values = np.full((5, 1), usual_minutes)
    unsettled = days_still_answering(values, index, pd.Timestamp("2026-03-06 12:00"))
    assert np.flatnonzero(unsettled[:, 0]).tolist() == blank_days


def test_a_series_without_any_value_is_never_unsettled():
    index = pd.date_range("2026-03-02", periods=3, freq="D")
    values = np.full((3, 2), np.nan)
    values[:, 1] = 100.0
    unsettled = days_still_answering(values, index, pd.Timestamp("2026-03-04 12:00"))
    assert unsettled[:, 0].tolist() == [False, False, True] and unsettled[:, 1].tolist() == [False, False, True]


def _p90s(seed: int, days: int = 120, n_series: int = 12, minutes: float = 400.0, log_sd: float = 0.3) -> np.ndarray:
    """Daily p90s of vendors answering in ~`minutes` with multiplicative day-to-day noise (a p90 of
    a few dozen replies: log-sd about 0.3)."""
    rng = np.random.default_rng(seed)
    return minutes * np.exp(rng.normal(0, log_sd, (days, n_series)))


def test_a_p90_that_goes_up_six_fold_pages_and_its_band_is_in_minutes():
    """(x4 is at the band's edge at this noise: the band is 3-5x expected, the 1e-4 point of the
    noise x3, widened for the baseline's and the scale's own error.)"""
    values = _p90s(1)
    values[100] *= 6
    v = log_scale_verdicts(values, DAY, FRT)
    assert v.is_anomaly[100].sum() >= 11
    assert (v.sign[100][v.is_anomaly[100]] == 1).all()
    assert np.nanmedian(v.expected[60:]) == pytest.approx(400, rel=0.1)
    assert np.all(v.upper[100] > 2 * v.expected[100])


def test_multiplicative_noise_hardly_pages_on_the_log_scale():
    """Four months of 12 such vendors, three draws: at most 3 alerts (2 when written). The same
    p90s judged as raw minutes raised 4, 5 and 9, all upward: a p90's right skew."""
    assert sum(int(log_scale_verdicts(_p90s(seed), DAY, FRT).is_anomaly.sum()) for seed in range(3)) <= 3


@pytest.mark.parametrize("slow_minutes, pages", [(45.0, False), (55.0, True)])
def test_a_small_p90_must_also_move_by_the_minimum_excess_in_minutes(slow_minutes, pages):
    """A steady 20-minute p90 at 45 is x2.25 but +25 minutes, under the 30-minute minimum; at 55 it pages."""
    values = _p90s(2, minutes=20.0, log_sd=0.05)
    values[100] = slow_minutes
    assert log_scale_verdicts(values, DAY, FRT).is_anomaly[100].all() == pages
