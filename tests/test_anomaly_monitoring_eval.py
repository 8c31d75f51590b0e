"""The generated monitoring series (sample_data/monitoring_series.py) carry what real exports of
monitoring data carry, and detect-csv reads every one of them: issue 16's "none refused"."""
from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest

from anomaly.evaluate_monitoring import _windows, evaluate_monitoring
from sample_data.monitoring_series import STEP, generate


@pytest.fixture(scope="module")
def series():
    return generate(6, seed=11)


def test_the_series_have_gaps_duplicates_jitter_and_a_clock_change(series):
    for s in series:
        texts = s.local_text()
        assert len(texts) > len(set(texts)), f"{s.name}: no repeated timestamp"
        steps = Counter(b - a for a, b in zip(s.instants, s.instants[1:]))
        assert any(step > STEP for step in steps), f"{s.name}: no missing row"
        assert any(step % timedelta(minutes=1) for step in steps), f"{s.name}: no jittered timestamp"
    # local time across a DST change: an hour skipped in spring, an hour written twice in autumn
    spring = next(s for s in series if s.zone == "Europe/Berlin")
    assert "2026-03-29 02:30:00" not in spring.local_text()
    autumn = next(s for s in series if s.zone == "America/New_York")
    assert autumn.local_text().count("2026-11-01 01:30:00") == 2


def test_every_series_has_one_to_three_labelled_anomalies_inside_it(series):
    for s in series:
        assert 1 <= len(s.anomalies) <= 3
        assert all(s.instants[0] < a.start <= a.end <= s.instants[-1] + STEP for a in s.anomalies)
        assert [a.kind for a in s.anomalies].count("level_shift") <= 1


def test_windows_share_a_tenth_of_the_series_and_are_centred_on_each_anomaly(series):
    s = series[0]
    windows = _windows(s, s.instants)
    assert len(windows) == len(s.anomalies)
    span = (s.instants[-1] - s.instants[0]) / len(s.anomalies)
    for (left, right), a in zip(windows, sorted(s.anomalies, key=lambda a: a.start)):
        assert s.instants[left] <= a.start <= s.instants[right]
        assert abs((s.instants[right] - s.instants[left]) - span / 10) < timedelta(minutes=15)


def test_detect_csv_reads_every_series_and_is_scored_on_what_it_prints():
    report = evaluate_monitoring(4, seed=11)
    assert report.refused == []
    assert len(report.files) == 4
    assert sum(n for n, _ in report.found_by_kind.values()) == sum(f.n_windows for f in report.files)
    assert sum(hit for _, hit in report.found_by_kind.values()) == sum(f.windows_hit for f in report.files)
