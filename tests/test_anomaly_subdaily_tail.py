"""Sub-daily counts (issue 16, 2026-12-07): a level that is a mean, a point band that knows the
series' own upper tail, and sums of the last hours judged against the bulk of the noise (hourly
series: sums of 2 and 6 hours; the warehouse's, of 24: tests/test_anomaly_warehouse_day_sums.py)
(anomaly/baseline.py, anomaly/residual_scale.py, anomaly/detector.py)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from anomaly.band import Band
from anomaly.baseline import Baseline, _subdaily_level, level_window
from anomaly.csv_series import detect_csv
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
    assert subdaily_widths(HOUR, s) == (2, 6)      # hourly steps: `window_hours_hourly`
    assert subdaily_widths(2 * HOUR, s) == (3,)    # ... a 2-hour window is one point: no sum
    assert subdaily_widths(6 * HOUR, s) == ()
    assert subdaily_widths(HOUR, DetectorSettings(window_hours_hourly=())) == ()
    assert subdaily_widths(DAY, s) == ()           # daily steps test their 2-4 day sums instead


def _hourly_counts(tmp_path, seed: int, burst: float) -> Path:
    """30 days of hourly counts around 40 (Poisson) and, from day 22 10:00, six hours at
    40 x (1 + burst): at +60% each hour is ~3 sds up, mostly under the band, while their sum is ~7
    sds up (144 above 240, sd ~19)."""
    rng = np.random.default_rng(seed)
    index = pd.date_range("2026-02-02", periods=30 * 24, freq="h")
    mean = np.full(len(index), 40.0)
    start = 22 * 24 + 10
    mean[start:start + 6] *= 1 + burst
    path = tmp_path / f"hourly_{seed}_{burst}.csv"
    pd.DataFrame({"timestamp": index.strftime("%Y-%m-%d %H:%M"), "reports": rng.poisson(mean)}).to_csv(path, index=False)
    return path


def _onsets(path: Path, settings: DetectorSettings | None = None) -> list[str]:
    frame = detect_csv(path, settings=settings).frame
    return sorted(set(frame.loc[frame["alert_id"] != "", "alert_id"]))


def test_an_hourly_series_flags_a_few_hours_that_single_hours_rarely_show(tmp_path):
    """20 series each way: the sums find the six-hour +60% burst in nearly all (18 when written),
    the hours alone in under half (8), and the same series without the burst hardly page (one
    series pages on its fifth day with or without the sums)."""
    no_sums = DetectorSettings(window_hours_hourly=())
    found = found_by_hours = false = 0
    for seed in range(20):
        onsets = _onsets(_hourly_counts(tmp_path, seed, 0.6))
        found += any("2026-02-24 10:00" <= t <= "2026-02-24 15:00" for t in onsets)
        false += sum(not "2026-02-24 10:00" <= t <= "2026-02-24 21:00" for t in onsets)
        found_by_hours += bool(_onsets(_hourly_counts(tmp_path, seed, 0.6), no_sums))
        false += len(_onsets(_hourly_counts(tmp_path, seed, 0.0)))
    assert found >= 16 and found_by_hours <= 10 and found - found_by_hours >= 6
    assert false <= 3


def test_an_unknown_level_statistic_is_refused():
    with pytest.raises(SettingsError, match="subdaily_count_level"):
        DetectorSettings(subdaily_count_level="mode")
