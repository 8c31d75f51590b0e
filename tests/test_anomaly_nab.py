"""NAB scorer: reproduces NAB's published per-file scores from the reference detectors' rows."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from anomaly.nab import (PROFILES, normalised, probation_rows, read_reference_scores, scaled_sigmoid,
                         score_detections, score_reference)

NAB = Path(__file__).resolve().parents[2] / "shared" / "datasets" / "nab_realtweets"
needs_nab = pytest.mark.skipif(not NAB.exists(), reason="shared NAB dataset not present")


@needs_nab
@pytest.mark.parametrize("detector, threshold, expected_normalised", [
    ("numenta", 0.542187690735, 68.0),
    ("twitterADVec", 0.5, 59.6),
])
def test_scorer_reproduces_published_reference_scores(detector, threshold, expected_normalised):
    ours = {s.name: s.score for s in score_reference(NAB, detector, threshold)}
    published = read_reference_scores(NAB, detector)
    assert set(ours) == set(published)
    for name, value in published.items():
        assert ours[name] == pytest.approx(value, abs=1e-4), name
    assert round(normalised(score_reference(NAB, detector, threshold)), 1) == expected_normalised


def test_scaled_sigmoid_matches_the_published_formula():
    assert float(scaled_sigmoid(0.0)) == pytest.approx(0.0)
    assert float(scaled_sigmoid(-1.0)) == pytest.approx(2 / (1 + np.exp(-5)) - 1)
    assert float(scaled_sigmoid(3.5)) == -1.0


def test_probation_is_fifteen_percent_capped_at_750_rows():
    assert probation_rows(1000) == 150
    assert probation_rows(15902) == 750


def test_hand_computed_small_file():
    # 1000 rows, probation 150; one window rows 400..499 (width 100).
    windows = [(400, 499)]
    det = np.zeros(1000, dtype=bool)
    det[100] = True            # in probation: ignored
    det[200] = True            # before the first window: full -A_FP
    det[400] = True            # window's first row: y = -1 -> A_TP
    det[450] = True            # later in the same window: no effect
    det[549] = True            # 50 rows past the window: A_FP * sigma(50/99)
    s = score_detections(det, windows)
    expected = -0.11 + 1.0 + 0.11 * float(scaled_sigmoid(50 / 99))
    assert s.score == pytest.approx(expected)
    assert (s.tp, s.fp, s.windows_hit) == (2, 2, 1)
    missed = score_detections(np.zeros(1000, dtype=bool), windows)
    assert missed.score == -1.0
    assert normalised([missed]) == 0.0
    assert normalised([score_detections(det, windows, PROFILES["standard"])]) == pytest.approx(
        100 * (expected + 1) / 2)
