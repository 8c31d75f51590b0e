"""An hourly count series' first month in `detect-csv`: the weekly model's band once its slots exist
(`warmup_daily_scale_hourly`).

The fixture is an office-hours queue: 60 an hour from 09:00 to 18:00 on weekdays, 6 at night, half
that at weekends (Poisson). Its first two weeks are judged by the same hour of the last days; with a
level alone the office day is all residual, and a weekly model that kept that scale was 3x too wide
until day 28."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from anomaly.csv_series import detect_csv
from anomaly.settings import DetectorSettings, SettingsError

SEEDS = range(12)
BURST_HOURS = 4
BURST_START_HOUR = 11


def _office_hours(tmp_path: Path, seed: int, burst_day: int | None, rise: float) -> Path:
    rng = np.random.default_rng(seed)
    index = pd.date_range("2026-03-02", periods=35 * 24, freq="h")     # a Monday
    hour, weekday = index.hour.to_numpy(), index.day_of_week.to_numpy() < 5
    mean = np.where((hour >= 9) & (hour < 18), 60.0, 6.0) * np.where(weekday, 1.0, 0.5)
    if burst_day is not None:
        start = burst_day * 24 + BURST_START_HOUR
        mean[start:start + BURST_HOURS] *= 1 + rise
    path = tmp_path / f"office_{seed}_{burst_day}_{rise}.csv"
    pd.DataFrame({"timestamp": index.strftime("%Y-%m-%d %H:%M"), "tickets": rng.poisson(mean)}).to_csv(path, index=False)
    return path


def _alert_rows(frame: pd.DataFrame) -> list[int]:
    ids = frame["alert_id"].to_numpy()
    return [int(np.flatnonzero(ids == a)[0]) for a in dict.fromkeys(a for a in ids if a)]


def _bursts_found(tmp_path: Path, burst_day: int, rise: float, settings: DetectorSettings) -> int:
    start = burst_day * 24 + BURST_START_HOUR
    found = 0
    for seed in SEEDS:
        frame = detect_csv(_office_hours(tmp_path, seed, burst_day, rise), settings=settings).frame
        found += any(start <= row < start + BURST_HOURS for row in _alert_rows(frame))
    return found


def test_the_weekly_models_first_weeks_find_a_doubled_morning(tmp_path):
    """Day 17, four hours at twice the office hour: found in 9 of 12 series when written; with the
    warm-up's scale kept ("split") in none."""
    assert _bursts_found(tmp_path, 17, 1.0, DetectorSettings()) >= 7
    assert _bursts_found(tmp_path, 17, 1.0, DetectorSettings(warmup_daily_scale_hourly="split")) <= 2


def test_the_weekly_models_band_is_measured_on_its_own_residuals(tmp_path):
    """Office hours of days 16-27 without a burst: the band's reach above expected, in Poisson sds
    of expected, ~11 with the defaults and ~34 with the warm-up's scale kept."""
    def reach(settings: DetectorSettings) -> float:
        medians = []
        for seed in SEEDS:
            frame = detect_csv(_office_hours(tmp_path, seed, None, 0.0), settings=settings).frame
            days = frame.iloc[16 * 24:28 * 24]
            busy = days[days["expected"] > 30]
            medians.append(float(np.median((busy["upper"] - busy["expected"]) / np.sqrt(busy["expected"]))))
        return float(np.median(medians))
    own, kept = reach(DetectorSettings()), reach(DetectorSettings(warmup_daily_scale_hourly="split"))
    assert own <= 15 and kept >= 2 * own


def test_a_quiet_office_queue_hardly_pages_in_its_first_month(tmp_path):
    """12 series x 35 days without a burst: 3 alerts when written (two on the first Monday after the
    first weekend, with or without these settings, and one on day 21)."""
    alerts = sum(len(_alert_rows(detect_csv(_office_hours(tmp_path, seed, None, 0.0)).frame)) for seed in SEEDS)
    assert alerts <= 4


def test_an_unknown_hourly_scale_mode_is_refused():
    with pytest.raises(SettingsError, match="warmup_daily_scale_hourly"):
        DetectorSettings(warmup_daily_scale_hourly="mine")
