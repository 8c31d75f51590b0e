"""NAB scorer: reproduces NAB's published per-file scores from the reference detectors' rows."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from anomaly.nab import (PROFILES, normalised, points_lost, probation_rows, read_reference_scores,
                         scaled_sigmoid, score_detections, score_reference)

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


def test_points_lost_split_the_shortfall_by_hand():
    """Two files of 1000 rows, windows of 100 rows. File a: its window flagged halfway through
    (y = -0.5: sigma(-0.5) / sigma(-1) of the reward), one flag before it (-0.11). File b: its window
    missed. 2 windows: 100 points span 4 units (reward 2 + penalty 2), so a unit is 25 points."""
    windows = [(400, 499)]
    a = np.zeros(1000, dtype=bool)
    a[[200, 450]] = True
    b = np.zeros(1000, dtype=bool)
    files = [score_detections(a, windows, name="a"), score_detections(b, windows, name="b")]
    late = 1 - float(scaled_sigmoid(-0.5)) / float(scaled_sigmoid(-1.0))
    lost = points_lost(files)
    assert lost["misses"] == pytest.approx(25 * 2)
    assert lost["lateness"] == pytest.approx(25 * late)
    assert lost["false flags"] == pytest.approx(25 * 0.11)
    assert 100 - sum(lost.values()) == pytest.approx(normalised(files))


@pytest.mark.parametrize("flags, lost", [
    ([], {"misses": 100.0, "lateness": 0.0, "false flags": 0.0}),
    ([400], {"misses": 0.0, "lateness": 0.0, "false flags": 0.0}),
    ([400, 200], {"misses": 0.0, "lateness": 0.0, "false flags": 5.5}),
])
def test_points_lost_table(flags, lost):
    det = np.zeros(1000, dtype=bool)
    det[flags] = True
    assert points_lost([score_detections(det, [(400, 499)])]) == pytest.approx(lost)
