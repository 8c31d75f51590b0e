"""The generated sub-daily burst series (sample_data/subdaily_spikes.py), their oracle and the
split of recall by when a burst starts, and the NAB score of what is printed
(anomaly/evaluate_subdaily.py)."""
from __future__ import annotations

import numpy as np
import pytest

from anomaly.evaluate_subdaily import _period, nab_files, nab_windows, oracle_pvalues
from sample_data.subdaily_spikes import DAY, DAYS, Burst, SubdailySeries, generate


def _series(n_rows: int, starts: list[int]) -> SubdailySeries:
    index = np.arange(n_rows)
    return SubdailySeries("s", 300, index, np.zeros(n_rows), np.ones(n_rows), 0.0, 1.0, "flat",
                          [Burst(a, a + 5, 1.0, 0.0) for a in starts])


@pytest.mark.parametrize("n_rows, starts, windows", [
    # 10% of 10,000 rows for one burst: 500 rows either side of its first row
    (10_000, [5_000], [(4_500, 5_500)]),
    # two bursts share the 10%: 250 rows either side of each
    (10_000, [3_000, 8_000], [(2_750, 3_250), (7_750, 8_250)]),
    # windows that meet are one window
    (10_000, [6_000, 6_300], [(5_750, 6_550)]),
    # a burst in the probation (the first 750 rows here) has no window, but keeps its share
    (10_000, [500, 5_000], [(4_750, 5_250)]),
    # the last window stops at the last row
    (1_000, [990], [(940, 999)]),
])
def test_nab_windows_are_the_tenth_shared_and_centred(n_rows, starts, windows):
    assert nab_windows(_series(n_rows, starts)) == windows


@pytest.mark.parametrize("flags, score", [
    ([], -1.0),                    # a missed window costs A_FN
    ([4_500], 1.0),                # a flag on the window's first row earns the whole A_TP
    ([5_500], 0.0),                # ... on its last row nearly nothing
    ([4_500, 9_000], 1.0 - 0.11),  # a flag long after a window costs the full A_FP ...
    ([4_500, 5_700], 1.0 + 0.11 * (2 / (1 + np.exp(5 * 200 / 1000)) - 1)),   # ... just after it, less
    ([2_000, 4_500], 1.0 - 0.11),  # a flag before any window costs the full A_FP
])
def test_nab_files_score_the_first_rows_of_alerts(flags, score):
    s = _series(10_000, [5_000])
    (scored,) = nab_files([s], [[(a, a + 3, 1.0) for a in flags]])
    assert scored.score == pytest.approx(score, abs=0.01)


def test_generator_is_reproducible_and_labels_fit_the_series():
    a, b = generate(4, seed=3), generate(4, seed=3)
    for s, t in zip(a, b):
        np.testing.assert_array_equal(s.counts, t.counts)
    assert [s.step_seconds for s in a] == [300, 3600, 300, 3600]
    for s in a:
        assert len(s.counts) == len(s.mean) == DAYS * DAY // s.step_seconds
        assert np.all(s.counts >= 0) and np.all(s.counts == np.round(s.counts))
        assert 2 <= len(s.spikes) <= 3
        assert any(b.day < 21 for b in s.spikes) and any(b.day >= 22 for b in s.spikes)
        for b in s.spikes:
            hours = (b.end - b.start + 1) * s.step_seconds / 3600
            assert 0.5 <= hours <= 6.0 or (s.step_seconds == 3600 and hours == 1.0)
            assert 0.5 <= b.rise <= 4.0
            assert b.start == int(b.day * DAY // s.step_seconds)


def test_the_daily_cycle_is_in_the_mean_and_averages_out():
    s = generate(1, seed=5)[0]
    per_day = s.mean.reshape(DAYS, -1)
    weekdays = per_day[[d for d in range(DAYS) if s.index[d * per_day.shape[1]].day_of_week < 5]]
    assert weekdays.max(axis=1).mean() > 1.5 * weekdays.min(axis=1).mean()
    assert np.allclose(weekdays.sum(axis=1), s.volume * 24, rtol=1e-6)


def test_oracle_sees_a_clear_burst_and_not_a_faint_one():
    """Each burst's evidence against the burst-free rows of its series: a burst whose excess is many
    standard deviations of its window's noise stands out; one of under 3 sd does not (seed 2:
    burst_001's third burst, 23 sd, p 2e-64; burst_000's first, 2.7 sd, p 0.03)."""
    for s in generate(2, seed=2):
        p = oracle_pvalues(s)
        quiet = np.ones(len(p), dtype=bool)
        for b in s.spikes:
            quiet[b.start:b.end + 1 + 72] = False       # a burst's sums reach 6 h past its end
        for b in s.spikes:
            m = s.mean[b.start:b.end + 1]
            sd_of_excess = (m * b.rise).sum() / np.sqrt((m + s.k * m * m).sum())
            in_burst = p[b.start:b.end + 1].min()
            if sd_of_excess > 8:
                assert in_burst < 1e-9 < p[quiet].min()
            elif sd_of_excess < 3:
                assert in_burst > p[quiet].min()


def test_periods_split_at_day_14_and_21():
    assert [_period(d) for d in (0.0, 13.99, 14.0, 20.99, 21.0, 34.5)] == [
        "days 0-13", "days 0-13", "days 14-20", "days 14-20", "days 21-34", "days 21-34"]


def test_sparse_family_has_no_daily_cycle_and_bursts_of_x3_to_x10():
    """generate_sparse: 5-minute series whose mean is flat apart from routine 5-10 minute noise
    bursts (x3-x8, part of normal behaviour, so in `mean`), with 2-3 labelled x3-x10 bursts of
    30 minutes to 6 hours on top; its own random stream leaves `generate` as it was."""
    from sample_data.subdaily_spikes import generate_sparse
    a, b = generate_sparse(3, seed=4), generate_sparse(3, seed=4)
    assert np.array_equal(a[0].counts, b[0].counts)
    assert np.array_equal(generate(2, seed=4)[1].counts, generate(2, seed=4)[1].counts)
    for s in a:
        assert s.step_seconds == 300 and len(s.counts) == DAYS * DAY // 300
        base = s.mean.min()
        routine = s.mean > base
        assert routine.mean() < 0.02
        assert np.all((s.mean[routine] / base >= 3.0 - 1e-9) & (s.mean[routine] / base <= 8.0 + 1e-9))
        for burst in s.spikes:
            assert 2.0 <= burst.rise <= 9.0
            assert 6 <= burst.end - burst.start + 1 <= 72


def test_quiet_generator_adds_sparse_bursty_counts_last():
    from sample_data.quiet_series import SHAPES, generate as quiet
    series = quiet(1)
    assert SHAPES[-1] == "sparse bursty counts" and len(series) == 32
    sparse = [s for s in series if s.shape == "sparse bursty counts"]
    assert [s.step_seconds for s in sparse] == [300, 300, 3600, 3600]
    for s in sparse:
        assert np.all(s.values >= 0) and np.all(s.values == np.round(s.values))
