"""Sub-daily counts (issue 16, 2026-12-07): a level that is a mean, a point band that knows the
series' own upper tail, and sums of the last hour judged against the bulk of the noise
(anomaly/baseline.py, anomaly/residual_scale.py, anomaly/detector.py)."""
from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from anomaly.band import Band
from anomaly.baseline import Baseline, _subdaily_level, level_window
from anomaly.detector import _bulk_band, subdaily_widths
from anomaly.residual_scale import tail_scale
from anomaly.settings import DetectorSettings, SettingsError

FIVE_MIN, HOUR, DAY = 300, 3600, 86_400


def test_a_sparse_series_level_is_its_mean_not_its_median():
    """0, 0, 0, 4 over and over: three quarters zeros, so the median is 0 while the mean, what the
    count model needs, is 1. The 2-day window at 5 minutes is 576 rows, 144 whole periods."""
    s = DetectorSettings()
    window = level_window(FIVE_MIN, s)
    assert window == 576
    history = np.tile([0.0, 0.0, 0.0, 4.0], 160)[:, None]
    assert _subdaily_level(history, window, s, is_counts=True)[600, 0] == 1.0
    median = DetectorSettings(subdaily_count_level="median")
    assert _subdaily_level(history, window, median, is_counts=True)[600, 0] == 0.0
    # Level series (minutes, percentages) keep the median.
    assert _subdaily_level(history, window, s, is_counts=False)[600, 0] == 0.0


def test_the_tail_scale_is_the_windows_upper_quantile_over_its_normal_value():
    """Hourly counts expected at 4 (sd sqrt(4 + 0.01 x 16) = sqrt(4.16)); one hour of 14 in a
    14-day window (336 rows) and 335 hours of exactly 4. The 0.999 quantile of the 336 |standardised
    residuals| interpolates between the two largest: 0.665 x 10 / sqrt(4.16) (position 335 x 0.999 =
    334.665); over the normal value of that quantile, isf(0.0005) = 3.2905, it is a scale of 0.9908."""
    history = np.full((400, 1), 4.0)
    history[10] = 14.0
    expected = np.full((400, 1), 4.0)
    tail = tail_scale(history, expected, HOUR, DetectorSettings(tail_quantile=0.999))
    want = 0.665 * 10 / np.sqrt(4.16) / stats.norm.isf(0.0005)
    assert want == pytest.approx(0.9908, abs=1e-4)
    assert tail[336, 0] == pytest.approx(want, rel=1e-9)
    assert tail[347, 0] == 0.0        # the hour of 14 has left the window (rows 11 .. 346)


def test_no_tail_scale_for_daily_steps_or_when_off():
    history = np.full((400, 1), 4.0)
    assert tail_scale(history, history, DAY, DetectorSettings()) is None
    assert tail_scale(history, history, HOUR, DetectorSettings(tail_quantile=0.0)) is None


def test_hour_sums_use_the_scale_before_the_tail_widened_it():
    """sd is proportional to the scale: a point with scale 3 (tail) over 1.5 (bulk) has its sum's
    sd halved; a point with no tail floor keeps its sd."""
    sd = np.array([[6.0], [2.0]])
    one = np.ones((2, 1))
    bd = Band(one, one, sd, one, one, one, one, np.array([[True], [True]]))
    base = Baseline(expected=one, scale=np.array([[3.0], [1.0]]), seasonal_weeks=np.zeros((2, 1)),
                    bulk_scale=np.array([[1.5], [1.0]]))
    assert _bulk_band(bd, base).sd[:, 0].tolist() == [3.0, 2.0]


def test_the_hour_window_in_steps():
    s = DetectorSettings()
    assert subdaily_widths(FIVE_MIN, s) == (12, 24)
    assert subdaily_widths(900, s) == (4, 8)
    assert subdaily_widths(1800, s) == (2, 4)
    assert subdaily_widths(HOUR, s) == ()          # an hourly series' points are hours: no sums
    assert subdaily_widths(2 * HOUR, s) == ()
    assert subdaily_widths(DAY, s) == ()           # daily steps test their 2-4 day sums instead


def test_an_unknown_level_statistic_is_refused():
    with pytest.raises(SettingsError, match="subdaily_count_level"):
        DetectorSettings(subdaily_count_level="mode")
