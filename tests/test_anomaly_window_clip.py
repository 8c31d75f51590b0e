"""Sub-daily hour sums with each point clipped (`window_clip_sd_subdaily`): an hour lifted by one
sharp blip is not a sustained rise, an hour lifted as a whole still is; and the bursty generator
family (routine cascades on a daily cycle) that motivated the option."""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from anomaly.band import Band
from anomaly.evaluate_subdaily import evaluate_subdaily
from anomaly.residual_scale import tail_scale
from anomaly.settings import DetectorSettings
from anomaly.window_evidence import window_p_up
from sample_data.sparse_noise import routine_cascades
from sample_data.subdaily_spikes import generate_bursty


def flat_band(n: int, mu: float) -> Band:
    ones = np.ones((n, 1))
    return Band(expected=mu * ones, mu=mu * ones, sd=np.sqrt(mu) * ones, lower=0 * ones, upper=2 * mu * ones,
                p_up=ones, p_down=ones, defined=ones.astype(bool))


@pytest.mark.parametrize("clip_sd, blip_significant", [(0.0, True), (3.0, False)])
def test_one_blip_lifts_an_hour_sum_only_without_the_clip(clip_sd, blip_significant):
    values = np.full((24, 1), 100.0)
    values[20] = 700.0                      # one 5-minute point at x7: 60 sds, the hour +50%
    p = window_p_up(values, flat_band(24, 100.0), DetectorSettings(), True, None, (12,), clip_sd=clip_sd)
    assert bool(p[20, 0] <= 1e-4) is blip_significant


@pytest.mark.parametrize("clip_sd", [0.0, 3.0])
def test_a_sustained_hour_is_significant_with_or_without_the_clip(clip_sd):
    values = np.full((24, 1), 100.0)
    values[12:24] = 150.0                   # +50% for an hour: 5 sds a point, clipped to 3
    p = window_p_up(values, flat_band(24, 100.0), DetectorSettings(), True, None, (12,), clip_sd=clip_sd)
    assert p[23, 0] < 1e-6


def test_the_clip_never_makes_a_sum_more_significant():
    rng = np.random.default_rng(4)
    values = rng.poisson(50, (400, 1)).astype(float) * rng.choice([1, 1, 1, 3], (400, 1))
    band = flat_band(400, 50.0)
    plain = window_p_up(values, band, DetectorSettings(), True, None, (6, 12))
    clipped = window_p_up(values, band, DetectorSettings(), True, None, (6, 12), clip_sd=3.0)
    assert np.all(clipped >= plain - 1e-15)


def test_routine_cascades_are_short_and_fade():
    factor = routine_cascades(288 * 14, np.random.default_rng(3))
    lifted = factor > 1
    starts = np.flatnonzero(lifted & ~np.roll(lifted, 1))
    assert 20 <= len(starts) <= 90                      # about 4 a day for 14 days
    assert factor.max() <= 4.0 + 1e-9
    runs = np.diff(np.flatnonzero(np.diff(np.r_[0, lifted.astype(int), 0])))[::2]
    assert runs.max() <= 12                             # at most 30 minutes, or two overlapping


def test_the_clip_takes_false_alerts_off_the_bursty_family():
    plain = evaluate_subdaily(6, 1, DetectorSettings(), "bursty")["detector"]
    clipped = evaluate_subdaily(6, 1, replace(DetectorSettings(), window_clip_sd_subdaily=3.0), "bursty")["detector"]
    assert clipped.n_false < plain.n_false / 2
    assert clipped.precision > plain.precision


def test_the_extrapolated_tail_widens_a_normal_series_by_a_few_percent_only():
    rng = np.random.default_rng(8)
    history = rng.poisson(200, (4032, 1)).astype(float)
    expected = np.full_like(history, 200.0)
    s = DetectorSettings()
    quantile = tail_scale(history, expected, 300, s)[-1, 0]
    extrapolated = tail_scale(history, expected, 300, replace(s, tail_extrapolate=True))[-1, 0]
    assert 1.0 < extrapolated / quantile < 1.15


def test_the_extrapolated_tail_reaches_past_a_heavy_tails_largest_residual():
    rng = np.random.default_rng(8)
    mean = 20 * routine_cascades(4032, rng)
    history = rng.poisson(mean)[:, None].astype(float)
    expected = np.full_like(history, 20.0)
    s = replace(DetectorSettings(), tail_extrapolate=True)
    assert tail_scale(history, expected, 300, s)[-1, 0] > tail_scale(history, expected, 300, DetectorSettings())[-1, 0] * 1.2


def test_bursty_series_are_five_minute_with_a_daily_cycle_and_labelled_bursts():
    series = generate_bursty(3, 1)
    assert all(s.step_seconds == 300 and len(s.spikes) >= 2 and "routine bursts" in s.cycle for s in series)
