"""Levels alert both ways, each way at half of `alpha`: a two-sided test with the false-alarm
probability of a one-sided one, so a level series pages no more often by chance than a count."""
from __future__ import annotations

import numpy as np
import pytest

from anomaly.detector import evaluate_points
from anomaly.settings import DetectorSettings

FIVE_MIN = 300
LEVEL = DetectorSettings(count_model="continuous", min_excess=0.0, min_rise_pct=0.0)


def _gaussian_level(seed: int, days: int = 28, mean: float = 50.0, sd: float = 2.0) -> np.ndarray:
    return np.random.default_rng(seed).normal(mean, sd, days * 288)


@pytest.mark.parametrize("alpha", [1e-4, 1e-3])
def test_a_two_sided_band_is_the_one_sided_band_at_half_alpha(alpha):
    values = _gaussian_level(1)
    both = evaluate_points(values, FIVE_MIN, DetectorSettings(**{**LEVEL.__dict__, "direction": "both", "alpha": alpha}))
    up = evaluate_points(values, FIVE_MIN, DetectorSettings(**{**LEVEL.__dict__, "direction": "up", "alpha": alpha / 2}))
    defined = ~np.isnan(both.upper[:, 0])
    assert defined.sum() > 7000
    np.testing.assert_allclose(both.upper[defined, 0], up.upper[defined, 0])
    np.testing.assert_allclose(both.expected[defined, 0] - both.lower[defined, 0],
                               both.upper[defined, 0] - both.expected[defined, 0])


def test_a_noisy_flat_level_pages_under_once_a_month():
    """Eight 28-day 5-minute Gaussian levels (64,000 points): 10 chance points were flagged with
    1e-4 on each side, 3 with half of it on each, when written."""
    pages = sum(int(evaluate_points(_gaussian_level(seed), FIVE_MIN, DetectorSettings(**{**LEVEL.__dict__,
                                                                                       "direction": "both"}))
                    .is_anomaly.sum()) for seed in range(8))
    assert pages <= 6


def test_a_real_drop_still_pages():
    values = _gaussian_level(3)
    values[20 * 288 + 100] = 50.0 - 6 * 2.0
    out = evaluate_points(values, FIVE_MIN, DetectorSettings(**{**LEVEL.__dict__, "direction": "both"}))
    assert out.is_anomaly[20 * 288 + 100, 0] and out.sign[20 * 288 + 100, 0] == -1
