"""`detect-csv` takes time as it comes (gaps, duplicates, DST, jitter, `;` and tab, day-first dates),
and what it prints as one alert is one `alert_id` on every row of it, with the alert's severity."""
from __future__ import annotations

import csv
import io

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings, strategies as st

from anomaly.csv_series import detect_csv
from anomaly.regular_grid import to_grid
from anomaly.settings import DetectorSettings
from safetyops.cli import main
from tests.anomaly_fixtures import daily_counts, hourly_counts


def write(path, times, values, sep=","):
    lines = [f"timestamp{sep}value"] + [f"{t}{sep}{v}" for t, v in zip(times, values)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def run(capsys, *args):
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_a_missing_hour_stays_missing_and_the_rest_is_judged(tmp_path):
    series = hourly_counts(weeks=3, level=40)
    keep = np.ones(len(series), dtype=bool)
    keep[300] = False
    path = tmp_path / "gap.csv"
    write(path, series.index[keep].strftime("%Y-%m-%d %H:%M"), series.to_numpy()[keep].astype(int))
    result = detect_csv(path)
    assert len(result.frame) == keep.sum()
    assert any("1 of" in n and "missing" in n for n in result.notes)
    assert np.isfinite(result.frame["expected"].iloc[-1])


def test_duplicates_are_summed_for_counts_and_averaged_for_levels():
    index = pd.DatetimeIndex(["2026-01-01 00:00", "2026-01-01 01:00", "2026-01-01 01:00", "2026-01-01 02:00"])
    counts = to_grid(index, np.array([1.0, 2.0, 3.0, 4.0]), is_counts=True)
    assert counts.values.tolist() == [1.0, 5.0, 4.0]
    levels = to_grid(index, np.array([1.0, 2.0, 3.0, 4.0]), is_counts=False)
    assert levels.values.tolist() == [1.0, 2.5, 4.0]
    assert any("summed" in n for n in counts.notes) and any("averaged" in n for n in levels.notes)


def test_dst_jump_and_jitter_are_snapped_to_the_step():
    # local-time hourly data: 02:00 does not exist on the spring-forward day, and one row is 40 s late
    index = pd.DatetimeIndex(["2026-03-29 00:00", "2026-03-29 01:00", "2026-03-29 03:00",
                              "2026-03-29 04:00:40", "2026-03-29 05:00", "2026-03-29 06:00"])
    grid = to_grid(index, np.arange(6.0), is_counts=True)
    assert grid.step_seconds == 3600
    assert np.isnan(grid.values[2]) and grid.values[4] == 3.0
    assert grid.row_point.tolist() == [0, 1, 3, 4, 5, 6]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.booleans(), min_size=10, max_size=60), st.sampled_from([300, 3600, 86400]),
       st.integers(min_value=-20, max_value=20), st.randoms(use_true_random=False))
def test_snapping_puts_every_row_on_its_grid_point(dropped, step, jitter, rnd):
    """Up to a quarter of the timestamps missing, rows shuffled, every other one up to 20 s off."""
    keep = [i for i, d in enumerate(dropped) if not (d and i % 4 == 1)]
    times = pd.Timestamp("2026-01-05") + pd.to_timedelta(
        np.array(keep) * step + jitter * (np.arange(len(keep)) % 2), unit="s")
    order = list(range(len(keep)))
    rnd.shuffle(order)
    grid = to_grid(pd.DatetimeIndex(times[order]), np.ones(len(keep)), is_counts=True)
    assert grid.step_seconds == step
    assert (grid.row_point == np.array(keep)[order] - keep[0]).all()
    assert np.nansum(grid.values) == len(keep)
    assert np.isnan(grid.values).sum() == keep[-1] - keep[0] + 1 - len(keep)


@pytest.mark.parametrize("step, kept_share", [(300, 0.4), (300, 0.25), (3600, 0.3), (86400, 0.35)])
def test_a_series_with_most_points_missing_keeps_its_step(step, kept_share):
    """The median gap is two or three steps there; the most common gap is still one."""
    rng = np.random.default_rng(step)
    points = np.flatnonzero(rng.random(2000) < kept_share)
    times = pd.Timestamp("2026-01-05") + pd.to_timedelta(points * step, unit="s")
    grid = to_grid(pd.DatetimeIndex(times), np.ones(len(points)), is_counts=True)
    assert grid.step_seconds == step
    assert (grid.row_point == points - points[0]).all()
    assert np.isnan(grid.values).sum() == points[-1] - points[0] + 1 - len(points)


@pytest.mark.parametrize("mean_gap, step", [(20, 300), (100, 300), (3000, 7200)])
def test_irregular_timestamps_of_any_density_get_a_step_that_most_rows_share(mean_gap, step):
    rng = np.random.default_rng(mean_gap)
    times = pd.Timestamp("2026-01-05") + pd.to_timedelta(np.cumsum(rng.exponential(mean_gap, 2000)), unit="s")
    grid = to_grid(pd.DatetimeIndex(times), np.ones(2000), is_counts=True)
    assert grid.step_seconds == step and np.nansum(grid.values) == 2000


def test_timestamps_at_irregular_intervals_are_grouped_into_steps_not_refused(tmp_path):
    """Events about 7 minutes apart (exponential gaps): 10-minute steps, counts summed, a note."""
    rng = np.random.default_rng(4)
    times = pd.Timestamp("2026-01-05") + pd.to_timedelta(np.cumsum(rng.exponential(420, 3000)).round(), unit="s")
    grid = to_grid(pd.DatetimeIndex(times), np.ones(3000), is_counts=True)
    assert grid.step_seconds == 600
    assert np.nansum(grid.values) == 3000
    first_step = (times - times[0]) < pd.Timedelta("10min")
    assert grid.values[0] == first_step.sum()
    assert any("irregular intervals" in n and "10-minute steps, summed" in n for n in grid.notes)
    path = tmp_path / "events.csv"
    write(path, times.strftime("%Y-%m-%d %H:%M:%S"), np.ones(3000, dtype=int))
    result = detect_csv(path)
    assert result.step_seconds == 600 and len(result.frame) == np.isfinite(grid.values).sum()


@pytest.mark.parametrize("freq", ["1h", "5min"])
def test_the_hour_written_twice_when_clocks_go_back_is_averaged_not_summed(tmp_path, freq):
    """120 an hour around the clock in Berlin's local time: the repeated 02:00 hour summed would
    read as 240 and page every autumn; its two readings averaged read as one hour's count."""
    utc = pd.date_range("2026-09-20", "2026-10-31", freq=freq, tz="UTC")
    per_step = 120 * pd.Timedelta(freq) / pd.Timedelta("1h")
    values = np.random.default_rng(1).poisson(per_step, len(utc))
    first = (utc >= "2026-10-25 00:00+00:00") & (utc < "2026-10-25 01:00+00:00")    # 02:xx CEST
    second = (utc >= "2026-10-25 01:00+00:00") & (utc < "2026-10-25 02:00+00:00")   # 02:xx CET
    path = tmp_path / "local.csv"
    write(path, utc.tz_convert("Europe/Berlin").strftime("%Y-%m-%d %H:%M"), values)
    result = detect_csv(path, kind="count")
    frame = result.frame.set_index("timestamp")
    assert frame.loc["2026-10-25 02:00", "value"] == (values[first][0] + values[second][0]) / 2
    assert not frame["is_anomaly"].any()
    assert any("clocks going back" in n for n in result.notes)
    assert not any("share a timestamp" in n for n in result.notes)


def test_an_hour_repeated_on_a_weekday_is_a_duplicate_summed():
    index = pd.DatetimeIndex(["2026-10-21 01:00", "2026-10-21 02:00", "2026-10-21 02:00", "2026-10-21 03:00"])
    grid = to_grid(index, np.array([1.0, 2.0, 3.0, 4.0]), is_counts=True)
    assert grid.values.tolist() == [1.0, 5.0, 4.0]


def test_instants_never_repeat_at_a_clock_change_so_their_duplicates_are_summed(tmp_path):
    times = pd.date_range("2026-10-01", "2026-10-31", freq="1h")
    repeat_at = times.get_loc(pd.Timestamp("2026-10-25 02:00")) + 1
    stamps = list(times.strftime("%Y-%m-%dT%H:%M:%SZ"))
    stamps.insert(repeat_at, stamps[repeat_at - 1])
    path = tmp_path / "utc.csv"
    write(path, stamps, [10] * len(stamps))
    result = detect_csv(path, kind="count")
    assert result.frame.set_index("timestamp").loc["2026-10-25T02:00:00Z", "value"] == 20
    assert any("share a timestamp" in n and "summed" in n for n in result.notes)


def test_a_file_in_reverse_order_is_not_read_as_a_repeated_hour():
    times = pd.date_range("2026-01-01", periods=200, freq="30min")[::-1]
    grid = to_grid(pd.DatetimeIndex(times), np.ones(200), is_counts=True)
    assert grid.step_seconds == 1800 and np.nansum(grid.values) == 200
    assert not any("clocks going back" in n for n in grid.notes)


def test_levels_sampled_at_irregular_times_keep_each_steps_first_sample(tmp_path):
    """A mean of one sample here and four there gives the steps different noise; the first sample
    of each step gives them all a sample's noise, so plain noise pages about as often as on a regular
    grid (this series: 9 alerts a month when steps were averaged, 2 now; regular 5-minute i.i.d.
    noise: 1-2 a month)."""
    rng = np.random.default_rng(2)
    times = pd.Timestamp("2014-02-01") + pd.to_timedelta(np.cumsum(rng.exponential(180, 20_000)).round(), unit="s")
    values = np.round(rng.normal(50, 5, len(times)), 2)
    grid = to_grid(pd.DatetimeIndex(times), values, is_counts=False)
    assert grid.step_seconds == 300
    first_rows = np.flatnonzero(np.diff(np.concatenate(([-1], grid.row_point))) != 0)
    np.testing.assert_array_equal(grid.values[grid.row_point[first_rows]], values[first_rows])
    assert any("first sample kept" in n for n in grid.notes)
    path = tmp_path / "gauge.csv"
    write(path, times.strftime("%Y-%m-%d %H:%M:%S"), values)
    frame = detect_csv(path).frame
    months = (times[-1] - times[0]) / pd.Timedelta(days=30.44)
    assert len(set(frame["alert_id"]) - {""}) <= 3 * months


def test_a_steps_printed_time_is_the_sample_whose_value_it_prints_in_any_file_order(tmp_path):
    rng = np.random.default_rng(3)
    times = pd.Timestamp("2026-01-05") + pd.to_timedelta(np.cumsum(rng.exponential(180, 3000)).round(), unit="s")
    text = times.strftime("%Y-%m-%d %H:%M:%S")
    values = np.round(rng.normal(50, 5, len(times)), 2)
    path = tmp_path / "reversed.csv"
    write(path, text[::-1], values[::-1])
    frame = detect_csv(path, kind="level").frame
    value_of = dict(zip(text, values))
    assert all(value_of[t] == v for t, v in zip(frame["timestamp"], frame["value"]))
    assert list(frame["timestamp"]) == sorted(frame["timestamp"])


@pytest.mark.parametrize("sep, option", [(";", []), ("\t", []), (";", ["--delimiter", "semicolon"]),
                                         ("\t", ["--delimiter", "tab"])])
def test_semicolon_and_tab_files_with_day_first_dates(tmp_path, capsys, config_file, sep, option):
    series = daily_counts(days=70, level=50)
    path = tmp_path / "eu.csv"
    write(path, series.index.strftime("%d/%m/%Y"), series.to_numpy().astype(int), sep=sep)
    code, out, err = run(capsys, "--config", str(config_file), "anomaly", "detect-csv", str(path), "--dayfirst", *option)
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 70 and rows[13]["timestamp"] == series.index[13].strftime("%d/%m/%Y")
    assert np.isfinite(float(rows[-1]["expected"]))


def test_a_short_series_says_it_is_too_short(tmp_path, capsys, config_file):
    path = tmp_path / "short.csv"
    write(path, pd.date_range("2026-01-01", periods=10, freq="D").strftime("%Y-%m-%d"), [5] * 10)
    code, out, err = run(capsys, "--config", str(config_file), "anomaly", "detect-csv", str(path))
    assert code == 0, err
    assert "too short for a baseline" in err


def test_one_alert_is_one_alert_id_on_all_its_rows_with_its_severity(tmp_path):
    series = daily_counts(days=120, level=200)
    start = 100 + (7 - series.index[100].day_of_week) % 7
    series.iloc[start:start + 3] = 600.0
    series.iloc[start + 1] = 300.0      # still part of the burst
    path = tmp_path / "burst.csv"
    write(path, series.index.strftime("%Y-%m-%d"), series.to_numpy().astype(int))
    frame = detect_csv(path).frame
    ids = frame["alert_id"].to_numpy()
    assert set(ids[start:start + 3]) == {series.index[start].strftime("%Y-%m-%d")}   # as the file wrote it
    assert (ids[:start] == "").all() and (ids[start + 3:] == "").all()
    assert frame["is_anomaly"].to_numpy()[start] and frame["severity"].iloc[start] in ("high", "critical")
    assert set(frame["severity"].to_numpy()[ids == ""]) == {""}


def test_the_alert_id_is_the_onset_as_printed_with_the_files_offset(tmp_path):
    series = hourly_counts(weeks=4, level=60)
    series.iloc[-30] = 600.0
    local = series.index.tz_localize("UTC").tz_convert("Europe/Berlin")
    path = tmp_path / "berlin.csv"
    write(path, local.strftime("%Y-%m-%dT%H:%M:%S%z"), series.to_numpy().astype(int))
    frame = detect_csv(path).frame
    onset = frame.index[frame["alert_id"] != ""][0]
    assert frame["alert_id"].iloc[onset] == frame["timestamp"].iloc[onset]
    assert frame["timestamp"].iloc[onset].endswith("+0100")


def test_a_level_series_flags_both_ways_and_a_shift_raises_one_alert(tmp_path):
    rng = np.random.default_rng(4)
    index = pd.date_range("2026-01-01", periods=24 * 40, freq="h")
    values = 40 + rng.normal(0, 2, len(index))
    values[24 * 25:] += 25           # CPU % steps up for good on day 25
    path = tmp_path / "cpu.csv"
    write(path, index.strftime("%Y-%m-%d %H:%M"), np.round(values, 2))
    result = detect_csv(path)
    assert result.kind == "level"
    ids = {a for a in result.frame["alert_id"] if a}
    assert len(ids) == 1
    # flagged until the shift is accepted as the new level (shift_days), then the baseline follows it
    assert result.frame["is_anomaly"].sum() < 24 * 9
    assert abs(result.frame["expected"].iloc[-1] - 65) < 3


def _error_rate_with_a_spike(path):
    """5-minute error rate in percent around 0.8 (noise 0.05), at 1.6 for two hours on day 20."""
    rng = np.random.default_rng(9)
    index = pd.date_range("2026-01-01", periods=12 * 24 * 28, freq="5min")
    values = 0.8 + rng.normal(0, 0.05, len(index))
    spike = 12 * 24 * 20 + 12 * 10
    values[spike:spike + 24] = 1.6 + rng.normal(0, 0.05, 24)
    write(path, index.strftime("%Y-%m-%d %H:%M"), np.round(values, 3))
    return index[spike]


def test_a_level_in_small_units_alerts_on_its_spike_without_a_size_floor(tmp_path):
    """A doubled error rate (+0.8 points) is the clearest anomaly such a series can have: the counts'
    floor of 5 units would have hidden it for good."""
    from anomaly.settings import DetectorSettings
    path = tmp_path / "errors.csv"
    spike_at = _error_rate_with_a_spike(path)
    frame = detect_csv(path).frame
    alerts = {a for a in frame["alert_id"] if a}
    assert spike_at.strftime("%Y-%m-%d %H:%M") in {a[:16].replace("T", " ") for a in alerts}
    floored = detect_csv(path, settings=DetectorSettings().with_overrides({"level_min_excess": 1.0})).frame
    assert not any(floored["alert_id"])       # a floor a user sets is kept


@pytest.mark.parametrize("over, days", [
    ({}, 2),                                                    # a day to the first expected value, then half of a 2-day window
    ({"first_expected_days": 2.0}, 3),
    ({"first_expected_days": 0.0, "level_days": 1.0}, 1.5),     # no first_expected_days: one level window
    ({"warmup_quantile": 0.0}, 1),
])
def test_a_short_sub_daily_series_is_told_the_history_its_settings_need(tmp_path, over, days):
    """The note names the days the settings need, and the first verdict comes after about that many."""
    s = DetectorSettings().with_overrides(over)
    index = pd.date_range("2026-03-02", periods=int(4 * 288), freq="5min")
    path = tmp_path / "five.csv"
    write(path, index.strftime("%Y-%m-%d %H:%M"), np.random.default_rng(1).poisson(30, len(index)))
    short = tmp_path / "short.csv"
    write(short, index[:144].strftime("%Y-%m-%d %H:%M"), [30] * 144)
    assert f"about {days:g} days of history" in " ".join(detect_csv(short, settings=s).notes)
    frame = detect_csv(path, settings=s).frame
    first = pd.Timestamp(frame.loc[frame["upper"].notna(), "timestamp"].iloc[0])
    assert abs((first - index[0]) / pd.Timedelta(days=1) - days) <= 0.05
