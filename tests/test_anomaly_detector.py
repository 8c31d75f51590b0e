"""The detector on plain series: planted spikes found at the right time, quiet where it should be."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from anomaly.alerts import build_alerts, onset_flags
from anomaly.calendar import Event, event_masks
from anomaly.detector import IrregularSeries, detect_series, evaluate_points, infer_step
from anomaly.settings import DetectorSettings, SettingsError, settings_from_config
from tests.anomaly_fixtures import daily_counts, hourly_counts


def alerts_of(series: pd.Series, settings=None, suppress=None):
    s = settings or DetectorSettings()
    step = infer_step(series.index)
    v = evaluate_points(series.to_numpy(), step, s, exclude=suppress, suppress=suppress)
    return build_alerts(series.index, series.to_numpy(), v.expected[:, 0], v.lower[:, 0], v.upper[:, 0],
                        v.p_value[:, 0], v.score[:, 0], v.is_anomaly[:, 0], v.sign[:, 0], step,
                        v.is_counts, s)


def test_planted_hourly_spike_is_one_alert_at_its_start():
    series = hourly_counts(weeks=8, level=40)
    start = pd.Timestamp("2026-02-18 14:00")          # a Wednesday afternoon in week 7
    spike = (series.index >= start) & (series.index < start + pd.Timedelta(hours=4))
    series[spike] = series[spike] * 3
    alerts = alerts_of(series)
    assert len(alerts) == 1
    a = alerts[0]
    assert a.start == start
    assert a.end <= start + pd.Timedelta(hours=3)
    assert a.excess > 0.5 * series[spike].sum() / 3 * 2   # most of the planted 2x extra
    assert a.severity in ("high", "critical")


def test_planted_daily_spike_found_on_its_day():
    series = daily_counts(days=120, level=200)
    series.iloc[100] = series.iloc[100] * 2
    alerts = alerts_of(series)
    assert [a.start for a in alerts] == [series.index[100]]


def test_hardly_an_alert_on_a_pure_weekly_cycle():
    """40 weeks of hourly Poisson counts on a weekly cycle: no alert in the warm-up (its first
    Mondays, after quiet weekends, are not a rise), and at most one low one in all (with the
    sums of 2 and 6 hours: seed 4's Friday 13:00-14:00, 64 and 64 where ~45 was expected, two
    hours of p ~0.004 side by side, a chance once in the 40 weeks)."""
    alerts = [a for seed in (1, 2, 3, 4) for a in alerts_of(hourly_counts(weeks=10, level=30, seed=seed))]
    assert len(alerts) <= 1 and all(a.severity == "low" for a in alerts)
    assert all(a.start >= pd.Timestamp("2026-01-26") for a in alerts)
    assert [a for seed in (1, 2, 3, 4) for a in alerts_of(hourly_counts(weeks=10, level=30, seed=seed),
                                                             DetectorSettings(window_hours_hourly=()))] == []


@pytest.mark.parametrize("seed", range(5))
def test_sparse_zero_one_two_series_never_alert(seed):
    rng = np.random.default_rng(seed)
    index = pd.date_range("2026-01-01", periods=24 * 7 * 8, freq="h")
    values = rng.choice([0, 0, 0, 0, 1, 1, 2], size=len(index)).astype(float)
    assert alerts_of(pd.Series(values, index=index)) == []


def test_zero_to_two_is_not_an_alert_but_forty_to_160_is():
    index = pd.date_range("2026-01-01", periods=24 * 7 * 5, freq="h")
    quiet = pd.Series(np.zeros(len(index)), index=index)
    quiet.iloc[-1] = 2
    assert not detect_series(quiet)["is_anomaly"].iloc[-1]
    busy = pd.Series(np.random.default_rng(0).poisson(40, len(index)).astype(float), index=index)
    busy.iloc[-1] = 160
    out = detect_series(busy)
    assert out["is_anomaly"].iloc[-1]
    assert out["score"].iloc[-1] > 0.5


def test_level_shift_raises_one_alert_not_dozens():
    series = daily_counts(days=150, level=100)
    series.iloc[100:] = np.round(series.iloc[100:] * 2.5)
    alerts = alerts_of(series)
    assert len(alerts) == 1
    assert alerts[0].start == series.index[100]
    hourly = hourly_counts(weeks=8, level=30)
    hourly.iloc[24 * 40:] = np.round(hourly.iloc[24 * 40:] * 2.5)
    assert len(alerts_of(hourly)) == 1


def test_holiday_in_the_calendar_is_suppressed_and_does_not_drag_the_baseline():
    series = daily_counts(days=120, level=200)
    series.iloc[90] = series.iloc[90] * 3          # a holiday rush
    holiday = Event(start=series.index[90], end=series.index[91], label="Carnival", kind="holiday",
                    action="suppress")
    assert len(alerts_of(series)) == 1             # without the calendar it alerts
    mask, labels = event_masks(series.index, pd.Timedelta(days=1), [holiday], {"region": "BR"})
    assert labels[90] == ["Carnival"] and mask.sum() == 1
    assert alerts_of(series, suppress=mask[:, None]) == []


def test_region_scoped_event_does_not_cover_other_regions():
    ev = Event(start=pd.Timestamp("2026-01-10"), end=pd.Timestamp("2026-01-11"), label="x", region="BR",
               action="suppress")
    index = pd.date_range("2026-01-09", periods=3, freq="D")
    assert event_masks(index, pd.Timedelta(days=1), [ev], {"region": "US"})[0].sum() == 0
    assert event_masks(index, pd.Timedelta(days=1), [ev], {"region": "BR"})[0].tolist() == [False, True, False]


def test_missing_values_do_not_drag_the_baseline_and_get_no_verdict():
    series = hourly_counts(weeks=6, level=40)
    series.iloc[24 * 30: 24 * 31] = np.nan       # a day of missing data
    out = detect_series(series)
    assert not out["is_anomaly"].iloc[24 * 30: 24 * 31].any()
    after = out.iloc[24 * 31 + 12]
    assert abs(after["expected"] - series.iloc[24 * 31 + 12]) < 4 * np.sqrt(after["expected"]) + 10


def test_direction_both_flags_drops_for_response_times():
    index = pd.date_range("2026-01-01", periods=90, freq="D")
    rng = np.random.default_rng(4)
    frt = pd.Series(300 + rng.normal(0, 10, len(index)), index=index)
    frt.iloc[80] = 60.0
    up_only = detect_series(frt, DetectorSettings(count_model="continuous", min_excess=30))
    both = detect_series(frt, DetectorSettings(count_model="continuous", min_excess=30, direction="both"))
    assert not up_only["is_anomaly"].iloc[80]
    assert both["is_anomaly"].iloc[80] and both["sign"].iloc[80] == -1


def test_onset_flags_mark_only_the_first_point_of_each_alert():
    flags = onset_flags(np.array([0, 1, 1, 0, 1, 0, 0, 0, 1], dtype=bool), gap=2)
    assert np.flatnonzero(flags).tolist() == [1, 8]


def test_settings_come_from_config_detection(config):
    from dataclasses import replace
    cfg = replace(config, detection={"alpha": 1e-6, "min_excess": 10, "events_calendar": "x.toml"})
    s = settings_from_config(cfg)
    assert s.alpha == 1e-6 and s.min_excess == 10.0
    with pytest.raises(SettingsError, match="unknown key 'alpah'"):
        settings_from_config(replace(config, detection={"alpah": 1}))


def test_irregular_steps_name_the_timestamp():
    index = pd.DatetimeIndex(["2026-01-01 00:00", "2026-01-01 01:00", "2026-01-01 02:00", "2026-01-01 04:00"])
    with pytest.raises(IrregularSeries, match="2026-01-01 04:00.*row 4"):
        infer_step(index, "f.csv")
    with pytest.raises(IrregularSeries, match="outside 5 minutes"):
        infer_step(pd.date_range("2026-01-01", periods=5, freq="min"))


def test_calendar_file_toml_and_errors(tmp_path):
    from anomaly.calendar import CalendarError, load_calendar_file
    path = tmp_path / "events.toml"
    path.write_text('[[event]]\nstart = "2026-12-25"\nlabel = "Christmas"\nkind = "holiday"\n\n'
                    '[[event]]\nstart = "2026-03-01T10:00:00-03:00"\nend = "2026-03-01T18:00:00-03:00"\n'
                    'label = "BR launch"\nkind = "launch"\nregion = "BR"\n', encoding="utf-8")
    xmas, launch = load_calendar_file(path)
    assert (xmas.start, xmas.end, xmas.action) == (pd.Timestamp("2026-12-25"), pd.Timestamp("2026-12-26"), "suppress")
    assert (launch.start, launch.action, launch.region) == (pd.Timestamp("2026-03-01 13:00"), "label", "BR")
    path.write_text('[[event]]\nstart = "someday"\nlabel = "x"\n', encoding="utf-8")
    with pytest.raises(CalendarError, match="event 1: 'someday' is not a date"):
        load_calendar_file(path)


@pytest.mark.parametrize("night_value, n_alerts", [
    (110.0, 1),   # the evening burst's tail: more times the night baseline, fewer extra tickets
    (230.0, 2),   # a second burst that brings more extra tickets than the first: news
])
def test_a_burst_does_not_re_fire_at_night_unless_it_brings_more_tickets(night_value, n_alerts):
    """The novelty ratio compares x/expected, and expected falls at night: without the excess
    test, what is left of an evening burst after the merge gap re-fires as a new alert."""
    series = hourly_counts(weeks=6, level=40)
    burst = pd.Timestamp("2026-02-11 16:00")            # a Wednesday afternoon (expected ~52)
    series[burst] = series[burst + pd.Timedelta(hours=1)] = 200.0
    night = burst + pd.Timedelta(hours=10)              # 02:00, expected ~19, 9 h after the burst
    series[night] = night_value
    alerts = alerts_of(series)
    assert [a.start for a in alerts] == [burst, night][:n_alerts]
    # The rule it replaces (ratio novelty only) raised the tail as a second alert.
    old = alerts_of(series, DetectorSettings(novelty_decay=False))
    assert [a.start for a in old] == [burst, night]



@pytest.mark.parametrize("day_value, n_alerts", [
    (250.0, 2),   # fewer times expected than the night incident, more extra tickets: news
    (170.0, 1),   # fewer extra tickets than the incident 14 h earlier: its after-effect
])
def test_an_incident_does_not_set_the_novelty_bar_its_peak_excess_does(day_value, n_alerts):
    """A night incident is many times the (low) night baseline. Before, its ratio was the bar every
    later onset had to beat for novelty_days, so a bigger day-time wave the next afternoon (more
    tickets, a smaller ratio to the day baseline) raised nothing."""
    series = hourly_counts(weeks=6, level=40)
    night = pd.Timestamp("2026-02-11 02:00")            # expected ~19
    series[night] = 150.0
    day = night + pd.Timedelta(hours=14)                # 16:00, expected ~52
    series[day] = day_value
    assert [a.start for a in alerts_of(series)] == [night, day][:n_alerts]
    old = alerts_of(series, DetectorSettings(novelty_skip_alerts=False))
    assert [a.start for a in old] == [night]


@pytest.mark.parametrize("wave_hours, start_hours", [
    (1, [2]),        # one hour of about +80 after a +180 incident: its after-effect
    (2, [2]),        # two hours: about +160 in total, still less than the incident
    (3, [2, 17]),    # the third hour takes the wave past the incident: news, from that hour
    (6, [2, 17]),    # ... and the alert starts there, not when the wave ends
])
def test_a_wave_that_brings_more_tickets_than_the_last_incident_is_news(wave_hours, start_hours):
    """Within novelty_days of an incident an onset had to beat the incident's peak point, so a wave
    of many moderate hours (each below that peak, together far above it) raised nothing for three
    days. A decaying tail never adds up to its burst; a wave that already has is a new incident."""
    series = hourly_counts(weeks=6, level=40)
    night = pd.Timestamp("2026-02-11 02:00")            # expected ~19: +180 in one hour
    series[night] = 200.0
    wave = pd.date_range(night + pd.Timedelta(hours=13), periods=wave_hours, freq="h")   # 15:00, ~50
    series[wave] = 130.0
    assert [a.start for a in alerts_of(series)] == [night.normalize() + pd.Timedelta(hours=h) for h in start_hours]
    # Without the run total (the peak-point test alone) the wave is never news.
    old = alerts_of(series, DetectorSettings(novelty_run_total=False))
    assert [a.start for a in old] == [night]


@pytest.mark.parametrize("p_values, expected", [
    ([1e-5], 1e-5),                      # one point: its own p
    ([1e-4, 1e-4, 1e-4], 5.9e-11),       # three days at 1e-4 are far stronger than any one
    ([1e-4, 0.5, 0.5, 0.5], 3.2e-2),     # points inside the band pull the evidence down
    ([1e-6, 1.0], 0.11),                  # an empty bucket (p = 1) counts as z = -3, not -inf
    ([np.nan, 1e-5], 1e-5),              # no verdict: left out
    ([], 1.0),
])
def test_combined_p_is_stouffers_over_the_alert(p_values, expected):
    from anomaly.alerts import combined_p
    assert combined_p(np.array(p_values, dtype=float)) == pytest.approx(expected, rel=0.05)


def test_a_rise_that_lasts_days_gets_the_severity_of_its_combined_evidence():
    """Three weekdays at +50% on a 200-a-day series: one alert over the three days, whose 2-day sums
    are overwhelming evidence, and 300 extra tickets make it high, not low, even without Stouffer's
    combination."""
    series = daily_counts(days=120, level=200)
    start = 100 + (7 - series.index[100].day_of_week) % 7    # a Monday
    days = series.index[start:start + 3]
    series[days] = 300.0
    s = DetectorSettings()
    alerts = alerts_of(series, s)
    # The first day alone has p = 2.7e-5, just above alpha_daily (2e-5): the alert opens on the
    # second day, when the two-day sum is overwhelming (a verdict never looks ahead).
    assert [(a.start, a.end) for a in alerts] == [(days[1], days[-1])]
    assert alerts[0].p_value < 1e-9              # the two-day sum
    assert alerts[0].severity == "high"
    assert alerts_of(series, DetectorSettings(severity_combined=False))[0].severity == "high"
    # the same days with only single-day evidence: the old rule (sustained two days at p <= 0.01)
    # The first day sits at the edge: p 1.4e-4 against expected 197.3 (the true mean is 200; before
    # the weekday factors were rescaled to average 1 over a week, expected 195.6 and p 1.0e-4, just in).
    single = alerts_of(series, DetectorSettings(window_sum_steps=0, alpha_daily=1e-4))
    assert [(a.start, a.end) for a in single] == [(days[1], days[-1])]


def test_days_after_a_spike_at_their_expectation_are_not_flagged_by_the_spikes_sums():
    """A 2-4 day sum that holds a 4x day is far outside its band on the days after it too. A day at
    its expectation (6 tickets above it, 0.4 sd) must not be flagged on that sum's evidence alone: an analyst
    reading detect-csv's is_anomaly column would look for a problem on days that had none."""
    series = daily_counts(days=120, level=200)
    step = infer_step(series.index)
    before = evaluate_points(series.to_numpy(), step, DetectorSettings())
    spike = 100
    series.iloc[spike] = 800.0
    after = series.index[spike + 1:spike + 4]
    series[after] = np.ceil(before.expected[spike + 1:spike + 4, 0]) + 6      # 6 above expected: ~0.4 sd
    flagged = {s: evaluate_points(series.to_numpy(), step, s).is_anomaly[:, 0]
               for s in (DetectorSettings(), DetectorSettings(window_point_min_z=0.0))}
    assert list(np.flatnonzero(flagged[DetectorSettings()])) == [spike]
    # the old rule (any point above expected takes its windows' evidence) flagged them
    assert set(np.flatnonzero(flagged[DetectorSettings(window_point_min_z=0.0)])) > {spike}
