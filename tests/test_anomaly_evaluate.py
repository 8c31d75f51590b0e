"""Evaluation: spike matching on hand-made alerts, and the evaluate command on NAB."""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from safetyops.evaluate import score_sample
from safetyops.cli import main

NAB = Path(__file__).resolve().parents[2] / "shared" / "datasets" / "nab_realtweets"


def alert(aid, family, cat, region, start, end, severity="high"):
    return {"anomaly_id": aid, "family": family, "abuse_category": cat, "region": region,
            "grain": "hour" if family == "counts_hourly" else "day", "severity": severity,
            "start_at": pd.Timestamp(start, tz="UTC"), "end_at": pd.Timestamp(end, tz="UTC")}


TRUTH = {"days": 61, "spikes": [
    {"id": "s1", "abuse_category": "spam", "region": "BR", "start": "2026-03-10T14:00:00Z",
     "end": "2026-03-11T14:00:00Z", "multiplier": 3.0, "baseline_per_day": 100},
    {"id": "s2", "abuse_category": "spam", "region": "US", "start": "2026-03-20T00:00:00Z",
     "end": "2026-03-21T00:00:00Z", "multiplier": 2.0, "baseline_per_day": 50},
    {"id": "s3", "abuse_category": "self_harm", "region": "JP", "start": "2026-03-25T00:00:00Z",
     "end": "2026-03-26T00:00:00Z", "multiplier": 1.2, "baseline_per_day": 50},
]}


def test_spike_matching_recall_precision_false_rate_and_delay():
    rows = [
        alert("a", "counts_hourly", "spam", "BR", "2026-03-10 16:00", "2026-03-10 20:00"),  # s1, 3 h late
        alert("b", "counts_daily", "spam", "BR", "2026-03-10", "2026-03-11"),               # s1 again
        alert("c", "counts_hourly", "spam", "US", "2026-03-01 03:00", "2026-03-01 03:00", "low"),  # false
        alert("d", "counts_hourly", "spam", "BR", "2026-03-11 14:00", "2026-03-11 15:00", "low"),  # after s1: false
        alert("e", "share_daily", "spam", "US", "2026-03-20", "2026-03-20"),                 # other family: ignored
    ]
    r = score_sample(rows, TRUTH, {"counts_hourly": 10, "counts_daily": 10}, days=61)
    assert (r.n_spikes, r.n_target) == (3, 2)
    assert r.recall_target == 0.5 and r.recall_all == pytest.approx(1 / 3)
    assert r.precision == pytest.approx(2 / 4)
    months = 61 / 30.44
    assert r.false_per_series_month["counts_hourly"] == pytest.approx(2 / (10 * months))
    assert r.false_per_series_month["counts_daily"] == 0
    assert r.median_delay_hours == pytest.approx(3.0)
    assert r.missed == ["s2"]
    assert r.paged["precision"] == 1.0 and r.paged["n_alerts"] == 2


@pytest.mark.skipif(not NAB.exists(), reason="shared NAB dataset not present")
def test_evaluate_command_scores_nab_and_checks_its_scorer(capsys, config_file):
    assert main(["--config", str(config_file), "anomaly", "evaluate", "--nab", str(NAB)]) == 0
    out = capsys.readouterr().out
    score = float(re.search(r"normalised score: ([\d.]+)", out).group(1))
    assert 0 <= score <= 100
    for det in ("numenta", "twitterADVec"):
        ours, published = re.search(rf"scorer check {det}: re-scored ([\d.]+) vs NAB's per-file results ([\d.]+)",
                                    out).groups()
        assert ours == published
    assert len(re.findall(r"Twitter_volume_\w+\.csv", out)) == 10


RAW = {"warmup_band_from": "raw"}   # the warm-up band as it was before 2026-12-06 late night
# Sub-daily counts as they were before 2026-12-07 (issue 16e): median level, MAD band, no sums of an hour.
PRE16E = {"tail_quantile": 0.0, "window_hours_subdaily": (), "subdaily_count_level": "median"}
# The weekly slots divided by their median, not their mean (before 2026-12-07 afternoon).
SLOTS_BY_MEDIAN = {"seasonal_level_stat": "median"}
# Sub-daily defaults before 2026-12-07 night: hour sums alone, the warm-up band at the 0.95 quantile,
# the first expected value after a level window (2 days).
# Sub-daily counts' warm-up slots each alone, not their 25 minutes (before 2026-12-08 night).
SLOT_ALONE = {"warmup_smooth_minutes": 0.0}
BEFORE_NIGHT = {"window_hours_subdaily": (1.0,), "warmup_quantile": 0.95, "first_expected_days": 0.0,
                "window_clip_sd_subdaily": 0.0} | SLOT_ALONE


@pytest.mark.skipif(not NAB.exists(), reason="shared NAB dataset not present")
@pytest.mark.parametrize("overrides, standard, windows_hit, fp_flags", [
    ({}, 68.0, 30, 115),                                                    # defaults (benchmarks/README.md)
    (SLOT_ALONE, 68.3, 30, 110),                                            # ... before the 25-minute slots
    (SLOT_ALONE | {"window_clip_sd_subdaily": 0.0}, 72.4, 32, 121),         # ... and before the clip at 8 sds
    (BEFORE_NIGHT, 66.7, 30, 119),                                          # defaults before 2026-12-07 night
    (BEFORE_NIGHT | {"window_clip_sd_subdaily": 3.0}, 48.7, 20, 54),  # clipped hour sums (an option)
    (BEFORE_NIGHT | SLOTS_BY_MEDIAN, 67.8, 30, 112),  # slots' level by median (before 2026-12-07 afternoon)
    (BEFORE_NIGHT | SLOTS_BY_MEDIAN | {"novelty_sum_alpha": 0.0}, 60.1, 26, 88),  # novelty by points alone (before 2026-12-07 morning)
    (BEFORE_NIGHT | PRE16E, 67.1, 30, 116),  # defaults before 2026-12-07
    (BEFORE_NIGHT | PRE16E | {"warmup_band_from": "recurring"}, 66.9, 30, 119),  # band from recurring residuals
    (BEFORE_NIGHT | PRE16E | RAW | {"warmup_daily_days": 0}, 66.7, 30, 120),  # warm-up on the level alone
    (BEFORE_NIGHT | PRE16E | RAW | {"warmup_daily_days": 0, "warmup_quantile": 0}, 73.4, 33, 132),  # no warm-up band
    (BEFORE_NIGHT | PRE16E | RAW | {"warmup_daily_days": 0, "clean_passes": 0}, 61.5, 28, 117),  # before the cleaned baseline
    (BEFORE_NIGHT | PRE16E | RAW | {"warmup_daily_days": 0, "clean_passes": 0, "novelty_run_total": False}, 59.4, 27, 111),
    (BEFORE_NIGHT | PRE16E | RAW | {"warmup_daily_days": 0, "clean_passes": 0, "novelty_run_total": False,
                     "novelty_skip_alerts": False}, 58.7, 26, 98),
    (BEFORE_NIGHT | PRE16E | RAW | {"warmup_daily_days": 0, "clean_passes": 0, "novelty_skip_alerts": False,
                     "novelty_decay": False}, 58.0, 26, 103),
])
def test_nab_figures_of_the_defaults_and_of_the_novelty_rules_they_replace(overrides, standard,
                                                                           windows_hit, fp_flags):
    """The figures benchmarks/README.md reports; a detector change that moves them must update both.
    (Before the novelty refactor the last row was 70.6 / 109: one exact tie with a past rise passed
    through float rounding. Before the sub-daily warm-up band of 2026-12-06 evening the rows were
    73.1, -, 75.1, 73.7, 71.8, 70.7: the warm-up's wide band misses windows in days 2-16. The older
    rows are pinned with the warm-up on the level alone, `warmup_daily_days = 0`, as they were
    measured before the slot-of-the-day warm-up of 2026-12-06 night, and all but the first with the
    band from raw residuals (the default again: `recurring`, scored once at 66.9 after it was chosen
    on the generators, was not kept; benchmarks/README.md says why). Every row but the first is pinned
    with sub-daily counts as they were before 2026-12-07 (`PRE16E`); the second, 60.1, was scored once
    after the tail band, mean level and hour sums were chosen on the generators, the next, 67.8, once
    after the novelty of overwhelming hour sums (`novelty_sum_alpha`) was chosen on them, and the
    66.7 once after the slots' level by the level's own statistic was (all of these rows now with the
    sub-daily defaults from before 2026-12-07 night, `BEFORE_NIGHT`). The clipped sums' 54.4 was
    scored once with the clip briefly the default; 72.4 once after 2-hour sums, the warm-up band at
    0.9 and the first expected value after a day were chosen on the generators by NAB's weights;
    68.3 once after the clip at 8 sds was, by the same weights and fewer false alerts
    (benchmarks/README.md, anomaly section 5, 2026-12-07 night); the defaults' 68.0 once after the
    warm-up's 25-minute slots were chosen on the generators (2026-12-08 night). Since 2026-12-08 a
    sub-daily point alone is a candidate only beyond its band, minimum size included, whatever the
    row's settings (no setting restores the old rule): the defaults went 114 -> 115 false flags, the
    clipped sums 54.4 / 22 -> 48.7 / 20, every other row is as it was.)"""
    from anomaly.evaluate_nab import evaluate_nab
    from anomaly.settings import DetectorSettings
    r = evaluate_nab(NAB, DetectorSettings(**overrides))
    assert round(r.standard, 1) == standard
    assert sum(f.windows_hit for f in r.files) == windows_hit
    assert sum(f.fp for f in r.files) == fp_flags
