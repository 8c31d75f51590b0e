"""The diagnosis of missed spikes (anomaly/diagnose_spikes.py) on a series small enough to reason about."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from anomaly.diagnose_spikes import SeriesView, _context, _true_scale, ceiling_of
from anomaly.settings import DetectorSettings
from sample_data.spike_series import PlantedSpike, SpikeSeries


def _flat_series() -> SpikeSeries:
    # 200 a day, every day exactly the mean (no noise), with a x4 spike on days 10-11 (before any
    # daily verdict: 28 days of history and 6 residuals) and a x3 day on day 150.
    dates = pd.date_range("2025-02-03", periods=200, freq="D")
    mean = np.full(200, 200.0)
    counts = mean.copy()
    counts[10:12] = 800.0
    counts[150] = 600.0
    spikes = [PlantedSpike(10, 11, 3.0, False), PlantedSpike(150, 150, 2.0, True)]
    return SpikeSeries("flat", dates, counts, mean, 0.01, 200.0, spikes)


def test_a_spike_before_the_first_daily_verdict_is_a_warm_up_miss_and_a_later_one_is_found():
    view = SeriesView(_flat_series(), DetectorSettings())
    assert not view.flags[10:12].any()
    assert view.cause_of_miss(10, 11, np.ones(200)) == "(d) warm-up"
    assert view.flags[150]


def test_the_true_scale_turns_the_detectors_variance_into_the_true_one():
    # phi (mu + 0.01 mu^2) = mu + k mu^2 at mu = 100, k = 0.04: phi = (100 + 400) / (100 + 100) = 2.5.
    assert _true_scale(np.array([100.0]), 0.04, DetectorSettings())[0] ** 2 == pytest.approx(2.5)


def test_the_second_spike_of_a_pair_is_tagged_with_the_first():
    assert _context(_flat_series(), 150, 150) == []          # 139 days after the first: too far
    near = _flat_series()
    near.spikes[1] = PlantedSpike(60, 60, 2.0, True)           # 49 days after it
    assert _context(near, 60, 60) == ["earlier spike <= 56 d"]


def test_the_ceiling_scores_every_view_of_the_detector_over_all_series():
    # Noise-free: every view flags the x3 day on day 150 and nothing else, and none can judge the x4
    # spike on days 10-11 (no daily verdict before day 28 + 6 residuals): 1 of 2 spikes, 1 true alert.
    scored = ceiling_of([_flat_series()], DetectorSettings())
    assert set(scored) == {"own", "mean", "noise", "band", "both"}
    for view in scored.values():
        assert (view.recall, view.precision, view.n_alerts, view.n_false) == (0.5, 1.0, 1, 0)
