"""`detect-csv` reads timestamps and numbers as spreadsheets and monitoring tools write them:
Unix times, day-first dates without the flag when no other reading exists, ISO dates untouched by
--dayfirst, decimal commas and thousands separators; and refuses what has two readings."""
from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from anomaly.csv_series import SeriesFileError, detect_csv, inferred_kind, read_series_csv, render

DAYS = pd.date_range("2026-01-01", periods=40, freq="D")


def write(path, times, values, sep=","):
    path.write_text("\n".join([f"timestamp{sep}value"] + [f"{t}{sep}{v}" for t, v in zip(times, values)]) + "\n")
    return path


@pytest.mark.parametrize("times, dayfirst, note", [
    (DAYS.strftime("%Y-%m-%d"), True, None),                          # ISO stays year-first with --dayfirst
    (DAYS.strftime("%d/%m/%Y"), False, "read day-first"),             # 13/01/2026 exists: day-first, said
    (DAYS.strftime("%d/%m/%Y"), True, None),
    (DAYS.strftime("%d.%m.%Y %H:%M"), False, "read day-first"),
    (DAYS.strftime("%m/%d/%Y"), False, None),
    ([str((t - pd.Timestamp(0)) // pd.Timedelta("1s")) for t in DAYS], False, "Unix time in seconds"),
    ([str((t - pd.Timestamp(0)) // pd.Timedelta("1ms")) for t in DAYS], False, "Unix time in milliseconds"),
])
def test_timestamps_are_read_as_their_writer_meant(tmp_path, times, dayfirst, note):
    path = write(tmp_path / "s.csv", list(times), range(40))
    series, raw, notes = read_series_csv(path, dayfirst=dayfirst)
    assert list(series.index) == list(DAYS)
    assert raw == list(times)
    if note:
        assert any(note in n for n in notes), notes
    else:
        assert not any("day-first" in n or "Unix" in n for n in notes), notes


@pytest.mark.parametrize("times, note", [
    (pd.date_range("2026-02-28 20:00", periods=60, freq="h"), "read as yyyymmddhh"),    # across a month end
    # 5-minute Unix seconds keep the Unix reading, though 2026030100 and 2026030400 are valid yyyymmddhh too
    (pd.to_datetime([2026030100, 2026030400], unit="s"), "Unix time in seconds"),
])
def test_ten_digit_timestamps_are_hours_or_unix_seconds_by_their_spacing(tmp_path, times, note):
    cells = (list(times.strftime("%Y%m%d%H")) if "yyyymmddhh" in note
             else [str((t - pd.Timestamp(0)) // pd.Timedelta("1s")) for t in times])
    path = write(tmp_path / "s.csv", cells, range(len(cells)))
    series, _, notes = read_series_csv(path)
    assert list(series.index) == list(times)
    assert any(note in n for n in notes), notes


@pytest.mark.parametrize("times, dayfirst, message", [
    (["13/01/2026", "01/14/2026"], False, "dates in both orders: line 2 timestamp '13/01/2026' is day-first, line 3"),
    (["01/01/2026", "01/13/2026"], True, "line 3: timestamp '01/13/2026' cannot be day-first"),
])
def test_dates_with_two_readings_are_refused_with_their_lines(tmp_path, times, dayfirst, message):
    path = write(tmp_path / "s.csv", times, [1, 2])
    with pytest.raises(SeriesFileError, match=message):
        read_series_csv(path, dayfirst=dayfirst)


@pytest.mark.parametrize("sep, cells, expected, note", [
    (";", ["12,5", "1.234,75", "7"], [12.5, 1234.75, 7.0], "decimal comma"),
    ("\t", ["0,25", "3", "-1,5"], [0.25, 3.0, -1.5], "decimal comma"),
    (",", ['"1,234.5"', '"2,000"', "12"], [1234.5, 2000.0, 12.0], "thousands separators"),
    (",", ["12.5", "3", "NA"], [12.5, 3.0, np.nan], None),
    # what exports write for "no value" is missing, never an error or a zero
    (",", ["-", "3", "n/a"], [np.nan, 3.0, np.nan], None),
    (",", ["#N/A", "--", " null "], [np.nan, np.nan, np.nan], None),
    (",", ["(null)", "None", "4"], [np.nan, np.nan, 4.0], None),
    (";", ["-", "2,5", "NaN"], [np.nan, 2.5, np.nan], "decimal comma"),
    (",", ["12 ms", "-", "7 ms"], [12.0, np.nan, 7.0], "unit"),
])
def test_values_are_read_with_the_files_number_format(tmp_path, sep, cells, expected, note):
    path = write(tmp_path / "s.csv", DAYS[:3].strftime("%Y-%m-%d"), cells, sep=sep)
    series, _, notes = read_series_csv(path)
    np.testing.assert_array_equal(series.to_numpy(), np.array(expected))
    assert any(note in n for n in notes) if note else not notes


def test_a_comma_fraction_in_a_comma_file_is_still_an_error_naming_it(tmp_path):
    path = write(tmp_path / "s.csv", DAYS[:2].strftime("%Y-%m-%d"), ['"12,5"', "3"])
    with pytest.raises(SeriesFileError, match="line 2: value '12,5' is not a number"):
        read_series_csv(path)


def test_a_score_that_rounds_to_zero_prints_as_zero_not_minus_zero(tmp_path):
    rng = np.random.default_rng(5)
    path = write(tmp_path / "s.csv", pd.date_range("2026-01-01", periods=24 * 21, freq="h").strftime("%Y-%m-%dT%H:%M"),
                 rng.poisson(6, 24 * 21))
    printed = render(detect_csv(path).frame, "csv")
    assert ",-0.0," not in printed and ",0.0," in printed


def test_one_minute_counts_are_summed_into_five_minute_steps_and_gaps_scaled():
    from anomaly.regular_grid import to_grid
    minutes = pd.date_range("2026-01-01", periods=15, freq="min")
    keep = np.ones(15, dtype=bool)
    keep[[5, 6]] = False                 # second step: 3 of its 5 minutes
    keep[[10, 11, 12]] = False           # third step: 2 of 5, too few
    values = np.arange(1.0, 16.0)
    grid = to_grid(pd.DatetimeIndex(minutes[keep]), values[keep], is_counts=True)
    assert grid.step_seconds == 300
    np.testing.assert_array_equal(grid.values, [15.0, round((8 + 9 + 10) * 5 / 3), np.nan])
    assert "60 s apart: aggregated to 5-minute steps, summed (counts)" in grid.notes[0]
    assert any("1 of 3 steps have fewer than half their rows" in n for n in grid.notes)
    levels = to_grid(pd.DatetimeIndex(minutes[keep]), values[keep], is_counts=False)
    np.testing.assert_array_equal(levels.values, [3.0, 9.0, np.nan])
    every_4_min = to_grid(pd.date_range("2026-01-01", periods=6, freq="4min"), np.ones(6), is_counts=True)
    assert every_4_min.step_seconds == 480 and list(every_4_min.values) == [2.0, 2.0, 2.0]


def test_a_burst_in_one_minute_data_is_one_alert(tmp_path):
    rng = np.random.default_rng(11)
    minutes = pd.date_range("2026-01-01", periods=60 * 24 * 10, freq="min")
    counts = rng.poisson(4, len(minutes))
    counts[-300:-270] += 12              # half an hour at four times the rate
    path = write(tmp_path / "m.csv", minutes.strftime("%Y-%m-%dT%H:%M"), counts)
    result = detect_csv(path)
    assert result.step_seconds == 300 and len(result.frame) == len(minutes) // 5
    ids = set(result.frame["alert_id"].dropna()) - {""}
    assert len(ids) == 1
    onset = pd.Timestamp(min(ids))
    assert minutes[-300] <= onset <= minutes[-270]


@pytest.mark.parametrize("header, given, expected, note", [
    ("timestamp,value", {}, ("timestamp", "value"), None),
    ("Timestamp,Value", {}, ("Timestamp", "Value"), None),
    ("date,tickets", {}, ("date", "tickets"), "columns 'date' and 'tickets' read as the timestamp and the value"),
    ("day,n,other", {"time_col": "day", "value_col": "n"}, ("day", "n"), None),
    # the one column left beside the timestamp is the value
    ("day,n", {"time_col": "day"}, ("day", "n"), "column 'n' read as the value"),
    ("timestamp,reports,", {}, ("timestamp", "reports"), "column 'reports' read as the value"),
])
def test_the_series_columns_are_found_without_options_where_unambiguous(tmp_path, header, given, expected, note):
    names = header.split(",")
    rows = [",".join(["2026-01-0%d" % d, str(d)] + ["x"] * (len(names) - 2)) for d in (1, 2, 3)]
    path = tmp_path / "s.csv"
    path.write_text("\n".join([header] + rows) + "\n")
    series, raw, notes = read_series_csv(path, **given)
    assert list(series) == [1.0, 2.0, 3.0] and raw == ["2026-01-01", "2026-01-02", "2026-01-03"]
    assert any(note in n for n in notes) if note else notes == []


@pytest.mark.parametrize("header, given, message", [
    ("day,n,other", {}, "no column 'timestamp'; columns are day, n, other (--time-col names one)"),
    ("day,n,m", {"time_col": "day"}, "no column 'value'; columns are day, n, m (--value-col names one)"),
    ("Date,Time,n,m", {}, "no column 'value'; columns are Date, Time, n, m (--value-col names one)"),
    ("date,time,timestamp,n", {"value_col": "count"}, "no column 'count'"),
    ("ts,TS,value", {"time_col": "Ts"}, "no column 'Ts'"),       # two columns fold to it: not a guess
])
def test_columns_that_cannot_be_told_are_an_error_naming_the_option(tmp_path, header, given, message):
    path = tmp_path / "s.csv"
    path.write_text(header + "\n" + ",".join(["2026-01-01"] + ["1"] * (header.count(","))) + "\n")
    with pytest.raises(SeriesFileError, match=re.escape(message)):
        read_series_csv(path, **given)


_rng = np.random.default_rng(12)


@pytest.mark.parametrize("values, kind, noted", [
    (_rng.poisson(5, 2000), "count", False),
    (_rng.poisson(500, 2000), "count", False),
    (_rng.negative_binomial(2, 0.1, 2000), "count", False),                    # over-dispersed
    (np.where(_rng.random(2000) < 0.9, 0, _rng.poisson(3, 2000)), "count", False),  # sparse
    (_rng.poisson(200 * (1 + 0.8 * np.sin(np.arange(2000) / 40)), 2000), "count", False),  # a cycle
    (np.round(_rng.normal(62, 4, 2000)), "level", True),                        # a speed in mph
    (np.round(_rng.normal(40, 2, 2000)), "level", True),                        # a CPU percent
    (np.round(_rng.normal(62, 4, 30)), "count", False),                         # too few points to say
    (np.zeros(500), "count", False),
    (np.round(_rng.normal(62, 4, 500), 1), "level", False),                     # not whole numbers
])
def test_whole_numbers_that_vary_far_less_than_counts_are_judged_as_levels(values, kind, noted):
    got, note = inferred_kind(np.asarray(values, dtype=float))
    assert got == kind
    assert (note is not None and "judged as a level" in note) == noted


def test_a_speed_that_collapses_pages_as_a_level_and_never_would_as_counts(tmp_path):
    rng = np.random.default_rng(9)
    times = pd.date_range("2015-09-01", periods=12 * 24 * 21, freq="5min")
    speed = np.round(rng.normal(62, 4, len(times)))
    speed[12 * 24 * 15:12 * 24 * 15 + 12] = 18                                   # an hour of congestion
    path = write(tmp_path / "speed.csv", times.strftime("%Y-%m-%d %H:%M:%S"), speed.astype(int))
    auto = detect_csv(path)
    assert auto.kind == "level" and any("judged as a level" in n for n in auto.notes)
    onsets = {a for a in auto.frame["alert_id"] if a}
    assert onsets == {times[12 * 24 * 15].strftime("%Y-%m-%d %H:%M:%S")}
    assert not any(detect_csv(path, kind="count").frame["alert_id"])



def test_separate_date_and_time_columns_are_read_together_as_the_timestamp(tmp_path):
    """A spreadsheet's "Date" (day-first) and "Time" columns, and a value column under any name."""
    hours = pd.date_range("2026-03-01", periods=24 * 30, freq="h")
    counts = np.random.default_rng(4).poisson(200, len(hours))
    counts[-3:] *= 4
    path = tmp_path / "excel.csv"
    pd.DataFrame({"Date": hours.strftime("%d/%m/%Y"), "Time": hours.strftime("%H:%M"), "Tickets": counts}) \
        .to_csv(path, index=False)
    result = detect_csv(path, dayfirst=True)
    assert result.step_seconds == 3600 and len(result.frame) == len(hours)
    assert result.frame["timestamp"].iloc[-1] == "30/03/2026 23:00"
    assert any("columns 'Date' and 'Time' read together as the timestamp and 'Tickets' read as the value" in n
               for n in result.notes)
    onset = result.frame.loc[result.frame["alert_id"] != "", "alert_id"].iloc[0]
    assert onset == "30/03/2026 21:00"


def test_a_report_exports_total_row_with_no_day_is_left_out_and_named(tmp_path):
    # Google Analytics: comment lines, M/D/YY days, thousands separators, and a last row of totals
    lines = ["# All Web Site Data", "", "Day Index,Sessions"]
    lines += [f'{d.month}/{d.day}/{d.year % 100},"{1000 + i:,}"' for i, d in enumerate(DAYS)]
    path = tmp_path / "ga.csv"
    path.write_text("\n".join(lines + [',"41,000"', ""]))
    series, _, notes = read_series_csv(path)
    assert list(series.index) == list(DAYS) and series.iloc[-1] == 1039.0
    assert any("1 row(s) with a blank Day Index left out (line 44" in n for n in notes), notes


def test_a_file_whose_every_time_is_blank_is_still_an_error(tmp_path):
    path = write(tmp_path / "s.csv", [""] * 3, [1, 2, 3])
    with pytest.raises(SeriesFileError, match="every timestamp cell is blank"):
        read_series_csv(path)


def test_excels_sep_line_names_the_delimiter_and_lines_count_it(tmp_path):
    path = tmp_path / "excel.csv"
    rows = [f"{d:%Y-%m-%d};{i},5" for i, d in enumerate(DAYS)]
    path.write_text("sep=;\r\ntimestamp;value\r\n" + "\r\n".join(rows) + "\r\n", encoding="utf-8-sig")
    series, _, notes = read_series_csv(path)
    assert list(series.index) == list(DAYS) and series.iloc[3] == 3.5
    assert "delimiter ';' from the file's sep= line" in notes
    rows[4] = f"{DAYS[4]:%Y-%m-%d};lots"
    path.write_text("sep=;\n# exported by a spreadsheet\ntimestamp;value\n" + "\n".join(rows) + "\n")
    with pytest.raises(SeriesFileError, match=r"line 8: value 'lots' is not a number"):
        read_series_csv(path)


def test_a_header_of_thousands_of_columns_is_named_in_part(tmp_path):
    path = tmp_path / "wide.csv"
    path.write_text(",".join(f"c{i}" for i in range(5000)) + "\n" + ",".join("1" for _ in range(5000)) + "\n")
    with pytest.raises(SeriesFileError, match=r"columns are c0, c1, .*c19 and 4,980 more \(--time-col") as info:
        read_series_csv(path)
    assert len(str(info.value)) < 400
