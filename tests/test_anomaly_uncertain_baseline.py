"""Issue 16, evening: the band allows for the baseline's own error and the scale's, a quiet daily
series keeps a long level, and a sub-daily series with a daily cycle raises nothing in its first
two weeks while the model has only a level."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from anomaly.band import Band
from anomaly.baseline import Baseline, _pooled_level
from anomaly.residual_scale import scale_uncertainty
from anomaly.csv_series import detect_csv
from anomaly.evaluate_quiet import evaluate_quiet_series
from anomaly.settings import DetectorSettings
from anomaly.window_evidence import _variance_parts


def write(path, index, values):
    lines = ["timestamp,value"] + [f"{t},{v}" for t, v in zip(index.strftime("%Y-%m-%d %H:%M"), values)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def alert_ids(frame: pd.DataFrame) -> list[str]:
    return sorted(set(frame["alert_id"]) - {""})


def test_a_level_shift_keeps_the_short_level_and_noise_keeps_the_long_one():
    # 60 days at 10, then 14 at 20. At row 74: short (14 days) = 20, long (56 days) = 12.5,
    # sigma^2 = (7 weekly differences of 10, squared) / 56 / 2 = 6.25,
    # var(d) = 6.25 (1/14 - 1/56) = 0.3348, d^2 = 56.25, w = 0.00595: 20 - 0.00595 * 7.5 = 19.955.
    h = np.r_[np.full(60, 10.0), np.full(14, 20.0), [20.0]][:, None]
    short = pd.DataFrame(h).rolling(14, min_periods=8).mean().shift(1).to_numpy()
    n_short = pd.DataFrame(h).rolling(14, min_periods=8).count().shift(1).to_numpy()
    pooled, _ = _pooled_level(h, short, n_short, 56)
    assert pooled[74, 0] == pytest.approx(19.955, abs=1e-3)
    # Alternating 8 / 12 (weekly differences are +-4 or 0: no shift at all): the two means differ by
    # less than their noise explains, so the pooled level is the long mean.
    alt = np.tile([8.0, 12.0], 40)[:, None]
    short = pd.DataFrame(alt).rolling(14, min_periods=8).mean().shift(1).to_numpy()
    n_short = pd.DataFrame(alt).rolling(14, min_periods=8).count().shift(1).to_numpy()
    pooled, n_eff = _pooled_level(alt, short, n_short, 56)
    assert pooled[70, 0] == pytest.approx(10.0)
    assert n_eff[70, 0] == pytest.approx(56.0)


def test_the_scale_from_few_residuals_widens_the_band_like_students_t():
    s = DetectorSettings(alpha_daily=1.5e-5)   # the alpha these widths were worked out for
    z = stats.norm.isf(s.alpha_daily)
    widen = scale_uncertainty(np.array([[6.0], [28.0], [182.0], [np.nan]]), s)[:, 0]
    assert widen[0] == pytest.approx(stats.t.isf(s.alpha_daily, 6) / z)
    assert widen[0] > 2.4 > widen[1] > widen[2] > 1.0 == widen[3]


def test_the_levels_error_adds_up_over_a_window_and_the_rest_does_not():
    # Two days of predictive variance 1.25 each, level error 0.25 of the noise, no profile error:
    # noise 1.0 a day, shared sd 0.5 a day. A two-day sum: 2 x 1.0 + (2 x 0.5)^2 = 3.0, not 2.5.
    one = np.ones((2, 1))
    b = Band(one, one, np.sqrt(1.25) * one, one, one, one, one, np.ones((2, 1), dtype=bool))
    base = Baseline(one, one, np.zeros((2, 1), dtype=np.int16), level_error=0.25 * one,
                    profile_error=0 * one)
    own, shared = _variance_parts(b, base)
    assert own.sum() + shared.sum() ** 2 == pytest.approx(3.0)


def test_a_thin_series_spike_of_150_percent_is_found(tmp_path):
    rng = np.random.default_rng(16)
    index = pd.date_range("2026-01-01", periods=200, freq="D")
    counts = rng.poisson(10, len(index))
    counts[150:153] = [25, 26, 24]             # +150% for three days on 10 a day
    path = tmp_path / "thin.csv"
    write(path, index, counts)
    frame = detect_csv(path).frame
    ids = alert_ids(frame)
    assert any(frame["alert_id"].iloc[150:153].isin(ids))


def test_a_sub_daily_square_wave_of_14_days_raises_no_alert(tmp_path):
    # Hourly: 60 from 08:00 to 17:59, 20 otherwise, noise sd 1. With a level only (no weekly slot
    # before two weeks) every morning is 3x the median level; none of it may page.
    rng = np.random.default_rng(3)
    index = pd.date_range("2026-03-02", periods=14 * 24, freq="h")
    values = np.where((index.hour >= 8) & (index.hour < 18), 60.0, 20.0) + rng.normal(0, 1, len(index))
    path = tmp_path / "square.csv"
    write(path, index, np.round(values, 2))
    assert alert_ids(detect_csv(path).frame) == []


def test_the_quiet_generator_raises_at_most_one_alert_per_series_month():
    report = evaluate_quiet_series(seed=1)
    assert report["all"][1] <= 1.0


def test_a_one_a_day_series_keeps_its_poisson_band_with_few_residuals(tmp_path):
    # 40 days of about one ticket a day, then 8: only a handful of residuals measure the dispersion,
    # but below Poisson there is nothing to be unsure of, so the band is not widened like Student's t
    # and 8 against 1 is still an alert on day 40.
    # (Widening the whole scale by Student's t at 6 residuals put the band's top at 16: no alert.)
    index = pd.date_range("2026-05-01", periods=60, freq="D")
    counts = np.resize([0, 1, 0, 1, 1, 0, 1, 2, 0, 1, 1], len(index))   # 0.73 a day
    counts[40] = 8
    path = tmp_path / "one_a_day.csv"
    write(path, index, counts)
    frame = detect_csv(path).frame
    assert frame["alert_id"].iloc[40] != ""
    assert alert_ids(frame) == [frame["alert_id"].iloc[40]]
