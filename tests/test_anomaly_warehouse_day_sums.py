"""The warehouse's hourly counts are tested on the sum of their last 24 hours (anomaly/series.py):
a day-long surge pages within the day, not when the calendar day closes, and an hour alone is
still a candidate only beyond its band, minimum size included (anomaly/detector.py)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from anomaly.detector import evaluate_points, subdaily_widths
from anomaly.scan import family_settings
from anomaly.series import _GRAIN_OVERRIDES, SeriesFamily
from anomaly.settings import DetectorSettings

HOUR = 3600
N_SERIES = 12
DAYS = 42
SURGE_START = 35 * 24 + 10          # day 35 (a Tuesday) 10:00: the surge straddles midnight


def _hourly_family_settings() -> DetectorSettings:
    hourly = SeriesFamily("counts_hourly", "inflow", "hour", ("abuse_category", "region"), pd.DatetimeIndex([]),
                          [], np.zeros((0, 0)), "tickets", _GRAIN_OVERRIDES["hour"])
    return family_settings(hourly, DetectorSettings())


def _queue(rise: float, seed: int = 5) -> np.ndarray:
    """N_SERIES category x region hourly counts of about 60 a day: a daily cycle (busy afternoons,
    quiet nights), weekends at 80%, Poisson noise; from SURGE_START, 24 hours at x (1 + rise)."""
    rng = np.random.default_rng(seed)
    index = pd.date_range("2026-03-02", periods=DAYS * 24, freq="h")
    hour = index.hour.to_numpy()
    mean = 2.5 * (1 + 0.6 * np.sin((hour - 9) / 24 * 2 * np.pi)) * np.where(index.day_of_week.to_numpy() >= 5, 0.8, 1.0)
    mean = np.repeat(mean[:, None], N_SERIES, axis=1)
    mean[SURGE_START:SURGE_START + 24] *= 1 + rise
    return rng.poisson(mean).astype(float)


def _onsets(values: np.ndarray, settings: DetectorSettings) -> list[list[int]]:
    flags = evaluate_points(values, HOUR, settings).is_anomaly
    return [[int(t) for t in np.flatnonzero(flags[:, j]) if t == 0 or not flags[t - 1, j]] for j in range(flags.shape[1])]


def test_the_warehouse_hourly_counts_sum_a_whole_day_only():
    assert subdaily_widths(HOUR, _hourly_family_settings()) == (24,)
    assert "day" not in _GRAIN_OVERRIDES


def test_a_day_long_surge_pages_the_hourly_family_before_the_day_closes():
    """x2 for 24 hours on ~60 a day: each hour ~2 sds up (mostly inside its band), the day's sum
    ~7 sds up. With the day sum 8 of 12 series page while the surge runs, all of them on its first
    day, at 12:00-19:00 (when written; 7-8 on other seeds); hours alone 1 of 12."""
    values = _queue(1.0)
    with_sums = _onsets(values, _hourly_family_settings())
    hours_alone = _onsets(values, DetectorSettings(window_hours_hourly=()))
    surge = range(SURGE_START, SURGE_START + 24)
    found = [min((t for t in onsets if t in surge), default=None) for onsets in with_sums]
    assert sum(t is not None for t in found) >= 6
    midnight = SURGE_START - 10 + 24
    assert sum(t is not None and t < midnight for t in found) >= 5
    assert sum(any(t in surge for t in onsets) for onsets in hours_alone) <= 2
    assert all(t in surge for onsets in with_sums for t in onsets)


def test_a_quiet_six_weeks_of_warehouse_hourly_counts_hardly_page():
    """The same queues without the surge: 12 series x 6 weeks, at most 2 alerts (1 when written, as
    with hours alone)."""
    onsets = [_onsets(_queue(0.0, seed), _hourly_family_settings()) for seed in (5, 6)]
    assert sum(len(o) for per_seed in onsets for o in per_seed) <= 2


def test_an_hour_below_the_minimum_size_is_no_candidate_with_day_sums_on():
    """A category of a ticket every few days gets 4 in one hour: p < 1e-4 under its band, but 4
    tickets are under the minimum excess (5), so no alert, as without the sums."""
    values = np.zeros((DAYS * 24, 1))
    values[np.arange(7, DAYS * 24, 61), 0] = 1.0
    values[SURGE_START, 0] = 4.0
    verdicts = evaluate_points(values, HOUR, _hourly_family_settings())
    assert verdicts.p_value[SURGE_START, 0] < 1e-4
    assert not verdicts.is_anomaly.any()
