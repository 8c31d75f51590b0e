"""The generated spike series, their oracle and the scoring of detect-csv's alerts on them."""
from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from anomaly.evaluate_spikes import (best_at_precision, evaluate_spike_series, nb_upper_tail, oracle_pvalues,
                                     score)
from sample_data.spike_series import WARMUP_DAYS, generate, spike_rise


def test_generator_is_reproducible_and_labels_fit_the_series():
    a, b = generate(5, seed=3), generate(5, seed=3)
    for s, t in zip(a, b):
        np.testing.assert_array_equal(s.counts, t.counts)
    for s in a:
        assert len(s.counts) == len(s.mean) == len(s.dates)
        assert np.all(s.counts >= 0) and np.all(s.counts == np.round(s.counts))
        assert 1 <= len(s.spikes) <= 2
        for sp in s.spikes:
            assert WARMUP_DAYS <= sp.start <= sp.end <= sp.start + 3 < len(s.counts)
            assert 0.4 <= sp.rise <= 4.0
        if len(s.spikes) == 2:
            assert s.spikes[1].start - s.spikes[0].end >= 10 and s.spikes[1].second


def test_noise_is_over_dispersed_as_drawn():
    s = generate(1, seed=5)[0]
    quiet = np.ones(len(s.counts), dtype=bool)
    for sp in s.spikes:
        quiet[sp.start:sp.end + 1] = False
    z = (s.counts[quiet] - s.mean[quiet]) / np.sqrt(s.mean[quiet] + s.k * s.mean[quiet] ** 2)
    assert abs(np.mean(z)) < 0.15 and 0.85 < np.std(z) < 1.15


@pytest.mark.parametrize("x,mean,var", [(10, 4.0, 6.0), (3, 2.0, 2.5), (130, 100.0, 400.0)])
def test_nb_tail_is_scipys_survival_function(x, mean, var):
    n, p = mean * mean / (var - mean), mean / var
    expected = stats.nbinom.sf(x - 1, n, p)
    assert nb_upper_tail(np.array([float(x)]), np.array([mean]), np.array([var]))[0] == pytest.approx(expected, rel=1e-6)


def test_oracle_sees_a_planted_spike_and_not_the_quiet_days():
    s = generate(1, seed=2)[0]
    p = oracle_pvalues(s)
    sp = max(s.spikes, key=lambda sp: sp.rise)
    assert p[sp.start:sp.end + 4].min() < p[:WARMUP_DAYS].min()


def test_score_counts_alerts_overlapping_spikes_by_hand():
    series = generate(2, seed=4)
    sp0 = series[0].spikes[0]
    alerts = [[(sp0.start, sp0.start, 5.0), (5, 6, 1.0)], [(3, 3, 2.0)]]
    r = score(series, alerts)
    n_spikes = sum(len(s.spikes) for s in series)
    assert r.n_alerts == 3 and r.n_false == 2
    assert r.precision == pytest.approx(1 / 3)
    assert r.recall == pytest.approx(1 / n_spikes)
    strong = score(series, alerts, min_strength=3.0)
    assert strong.precision == 1.0 and strong.n_alerts == 1
    assert best_at_precision([r, strong]) is strong


def test_evaluation_scores_what_detect_csv_prints():
    r = evaluate_spike_series(n_series=4, seed=9)
    assert r.n_series == 4 and r.n_spikes == sum(len(s.spikes) for s in generate(4, seed=9))
    assert 0 <= r.detector.recall <= 1 and r.detector.n_alerts >= r.detector.n_false
    assert r.shapes["all"][0] == r.n_spikes


def test_spike_rises_uniform_by_default_or_log_uniform_on_the_same_draw():
    lo, hi = np.log(0.4), np.log(4.0)
    mid = (lo + hi) / 2                                   # log(sqrt(0.4 x 4)) = log(1.265)
    assert spike_rise(lo, "log-uniform") == pytest.approx(0.4) and spike_rise(hi, "log-uniform") == pytest.approx(4.0)
    assert spike_rise(mid, "log-uniform") == pytest.approx(np.sqrt(1.6))
    assert spike_rise(mid) == spike_rise(mid, "uniform") == pytest.approx(2.2)      # halfway between 0.4 and 4.0
    assert spike_rise(lo, "uniform") == pytest.approx(0.4) and spike_rise(hi, "uniform") == pytest.approx(4.0)
    with pytest.raises(ValueError):
        spike_rise(mid, "normal")


def test_uniform_rises_change_only_the_spikes_sizes():
    logu, unif = generate(3, seed=5, rise_dist="log-uniform"), generate(3, seed=5)
    for a, b in zip(logu, unif):
        assert np.array_equal(a.mean, b.mean) and a.k == b.k
        assert [(s.start, s.end) for s in a.spikes] == [(s.start, s.end) for s in b.spikes]
        for sa, sb in zip(a.spikes, b.spikes):
            assert sb.rise == pytest.approx(spike_rise(np.log(sa.rise), "uniform"))
