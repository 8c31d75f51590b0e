"""`detect-csv` on series coarser than a day (weekly, monthly, quarterly: BI tools' and Google
Trends' exports), which were refused ("export the series per day or finer") though their step can
be inferred; and on report files: title lines above the table, values written as a bound (`<1`),
labels that name a period (`2026-W05`, `Q1 2026`, `Jan-26`), values too large to judge."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings, strategies as st

from anomaly.csv_series import SeriesFileError, detect_csv
from anomaly.evaluate_coarse import evaluate_coarse
from anomaly.period_labels import period_starts
from anomaly.regular_grid import MONTH, NoRegularStep, to_grid
from anomaly.series_text import read_table
from core.errors import InputError


def write(path, times, values, header="timestamp,value", preamble=""):
    lines = [header] + [f"{t},{v}" for t, v in zip(times, values)]
    path.write_text(preamble + "\n".join(lines) + "\n", encoding="utf-8")


def counts(n, level, seed=5):
    return np.random.default_rng(seed).poisson(level, n)


@pytest.mark.parametrize("freq, stamp, step_name", [
    ("7D", "%Y-%m-%d", "weekly"),
    ("14D", "%Y-%m-%d", "fortnightly"),
    ("MS", "%Y-%m", "monthly"),
    ("MS", "%Y-%m-%d", "monthly"),
    ("QS", "%Y-%m-%d", "quarterly"),
])
def test_a_coarse_series_is_judged_per_period_and_its_spike_is_one_alert(tmp_path, freq, stamp, step_name):
    dates = pd.date_range("2016-01-04" if freq.endswith("D") else "2016-01-01", periods=60, freq=freq)
    values = counts(60, 400)
    values[45] = 1200                                   # x3 in one period
    path = tmp_path / "series.csv"
    write(path, dates.strftime(stamp), values)
    result = detect_csv(path)
    frame = result.frame
    assert len(frame) == 60
    assert frame["alert_id"].tolist().count(dates[45].strftime(stamp)) == 1
    assert frame.loc[frame["is_anomaly"], "timestamp"].tolist() == [dates[45].strftime(stamp)]
    assert any(n.startswith(f"{step_name} steps") for n in result.notes)
    assert not any("off the" in n for n in result.notes)         # months are not "jitter"
    # expected is the level of the periods before, not dragged up by the spike afterwards
    assert abs(frame["expected"].iloc[47] - 400) < 40
    # no verdict before 12 periods of history and 6 residuals to measure the noise
    assert frame["lower"].iloc[:12].isna().all() and frame["lower"].iloc[20:].notna().all()


def test_a_missing_month_stays_missing_and_the_months_after_keep_their_place(tmp_path):
    dates = pd.date_range("2018-01-01", periods=48, freq="MS").delete(30)
    values = counts(47, 900)
    path = tmp_path / "monthly.csv"
    write(path, dates.strftime("%Y-%m"), values)
    result = detect_csv(path)
    assert result.frame["timestamp"].tolist() == dates.strftime("%Y-%m").tolist()
    assert any("1 of 48 timestamps are missing" in n for n in result.notes)
    assert not result.frame["is_anomaly"].any()


@settings(max_examples=60, deadline=None)
@given(start=st.dates(min_value=pd.Timestamp("1990-01-01").date(), max_value=pd.Timestamp("2090-01-01").date()),
       n=st.integers(2, 600), dropped=st.sets(st.integers(1, 598), max_size=40))
def test_every_calendar_month_lands_on_its_own_grid_point(start, n, dropped):
    months = pd.date_range(pd.Timestamp(start).replace(day=1), periods=n, freq="MS")
    kept = [i for i in range(n) if i not in dropped or i == n - 1]
    grid = to_grid(months[kept], np.ones(len(kept)), is_counts=True)
    if len(kept) >= 2 and grid.step_seconds == MONTH:
        assert grid.row_point.tolist() == kept
    assert grid.step_seconds == MONTH or len(kept) < 3 or min(np.diff(kept)) > 1


def test_a_yearly_series_is_refused_with_the_reason(tmp_path):
    path = tmp_path / "yearly.csv"
    write(path, [f"{y}-01-01" for y in range(2000, 2026)], counts(26, 50))
    with pytest.raises(NoRegularStep, match=r"365 days \(yearly\) apart.*5 minutes \.\. a quarter"):
        detect_csv(path)


def test_a_short_weekly_series_says_how_much_history_it_needs(tmp_path):
    path = tmp_path / "short.csv"
    write(path, pd.date_range("2026-01-05", periods=10, freq="7D").strftime("%Y-%m-%d"), counts(10, 30))
    result = detect_csv(path)
    assert any("too short for a baseline" in n and "weekly series needs 12 periods" in n for n in result.notes)


GOOGLE_TRENDS_PREAMBLE = "Category: All categories\n\n"


def test_a_google_trends_export_reads_past_its_title_lines_and_its_bounds(tmp_path):
    dates = pd.date_range("2021-12-05", periods=104, freq="7D")
    values = [str(v) for v in counts(104, 50)]
    values[3], values[80] = "<1", "100"
    path = tmp_path / "multiTimeline.csv"
    write(path, dates.strftime("%Y-%m-%d"), values, header="Week,doxxing: (Worldwide)",
          preamble=GOOGLE_TRENDS_PREAMBLE)
    result = detect_csv(path)
    assert result.frame["value"].iloc[3] == 1.0
    assert set(result.frame["alert_id"]) == {"", dates[80].strftime("%Y-%m-%d")}
    assert any("2 title line(s) before the header skipped" in n for n in result.notes)
    assert any("1 doxxing: (Worldwide) value(s) written as a bound" in n for n in result.notes)


def test_lines_after_title_lines_are_named_as_they_are_in_the_file(tmp_path):
    path = tmp_path / "report.csv"
    write(path, ["2026-01-01", "2026-01-02", "2026-01-03"], ["1", "x", "3"], header="day,tickets",
          preamble="Tickets per day, all queues\nExported 2026-01-04\n")
    with pytest.raises(SeriesFileError, match=r"line 5: tickets 'x' is not a number"):
        detect_csv(path)


def test_more_title_lines_than_are_looked_through_are_named_as_the_cause(tmp_path):
    """40 title lines: no header is found in the first 30, the first line is taken as one, and
    the error says so instead of only "2 cells, the header has 1"."""
    path = tmp_path / "report.csv"
    write(path, ["2026-01-01", "2026-01-02", "2026-01-03"], ["1", "2", "3"], header="day,tickets",
          preamble="".join(f"Filter {i}: all\n" for i in range(40)))
    with pytest.raises(SeriesFileError, match=r"line 41: 2 cells, the header has 1; line 1 \('Filter 0: all'\) "
                                              r"was taken as the header.*first 30.*remove the title lines"):
        detect_csv(path)


@pytest.mark.parametrize("body", [
    "timestamp,value\n2026-01-01,1\n",                                    # too short to tell: read as it is
    "timestamp,value,note\n2026-01-01,1,a\n2026-01-02,2,b\n",              # first line is the header
])
def test_a_file_whose_first_line_is_its_header_is_read_from_it(tmp_path, body):
    path = tmp_path / "s.csv"
    path.write_text(body, encoding="utf-8")
    table = read_table(path)
    assert table.columns[:2] == ["timestamp", "value"] and table.lines[0] == 2


def test_the_coarse_generator_is_scored_from_what_detect_csv_prints():
    report = evaluate_coarse(8, seed=1)
    detector, _, oracle, false_per_year = report["all"]
    assert sum(1 for _ in detector.found) >= 8
    assert detector.recall >= 0.6 and detector.precision >= 0.8 and oracle.recall >= detector.recall - 0.2
    assert false_per_year < 0.5


@pytest.mark.parametrize("labels, first_days, note", [
    (["2026-W01", "2026-W02", "2026-W53"], ["2025-12-29", "2026-01-05", "2026-12-28"], "ISO weeks"),
    (["2026W05", "2026-W05-3"], ["2026-01-26", "2026-01-28"], "ISO weeks"),
    (["Q1 2026", "Q2 2026", "Q4 2026"], ["2026-01-01", "2026-04-01", "2026-10-01"], "quarters"),
    (["2026-Q3", "2026 Q4", "2027Q1"], ["2026-07-01", "2026-10-01", "2027-01-01"], "quarters"),
    (["Nov-25", "Dec-25", "Jan-26", "Feb-26"], ["2025-11-01", "2025-12-01", "2026-01-01", "2026-02-01"],
     "months written mmm-yy"),
    (["Sept-99", "Oct-99", "Nov-99"], ["1999-09-01", "1999-10-01", "1999-11-01"], "months written mmm-yy"),
])
def test_period_labels_are_read_as_their_first_day(labels, first_days, note):
    starts, described = period_starts(labels)
    assert starts.strftime("%Y-%m-%d").tolist() == first_days and described.startswith(note)


@pytest.mark.parametrize("labels", [
    ["Jan 05", "Jan 06", "Jan 07", "Jan 08"],           # days without a year, not months of 2005-2008
    ["2026-W54"],                                        # no such ISO week: the general parser names it
    ["2026-01-05", "2026-W02"],                          # mixed kinds
    ["Foo-26", "Bar-26"],
])
def test_labels_that_are_not_one_kind_of_period_are_left_to_the_date_parser(labels):
    assert period_starts(labels) is None


def test_a_monthly_pivot_with_mmm_yy_labels_is_monthly_not_days_of_this_year(tmp_path):
    months = pd.date_range("2019-01-01", periods=48, freq="MS")
    values = counts(48, 250)
    values[40] = 900
    path = tmp_path / "pivot.csv"
    write(path, months.strftime("%b-%y"), values, header="Month,Reports")
    result = detect_csv(path)
    assert result.step_seconds == MONTH
    assert set(result.frame["alert_id"]) == {"", months[40].strftime("%b-%y")}


TIME_SHAPES = ["2026-01-{:02d}", "2026-W{:02d}", "Q{} 2026", "Jan-{:02d}", "{:02d}/03/2026", "2026-{:02d}",
               "", "x", "2026-01-01 00:{:02d}", "<1", "2026-13-{:02d}", "2026-W{:02d}-9", "2026 Q{}"]
VALUE_SHAPES = ["1", "0", "-1", "1e308", "nan", "<1", ">5", "1,5", "1.234,5", "", "N/A", "12 ms", "x", "inf", "3"]


@settings(max_examples=150, deadline=None)
@given(titles=st.lists(st.sampled_from(["Category: All", "", "# c", "Report,x", "a;b;c"]), max_size=3),
       sep=st.sampled_from([",", ";", "\t"]),
       header=st.sampled_from([["timestamp", "value"], ["Week", "term"], ["a", "b", "c"], ["t"]]),
       time_shape=st.sampled_from(TIME_SHAPES),
       values=st.lists(st.sampled_from(VALUE_SHAPES), max_size=60))
def test_any_report_shaped_file_is_read_or_refused_with_a_reason(tmp_path_factory, titles, sep, header, time_shape,
                                                                values):
    lines = titles + [sep.join(header)]
    lines += [sep.join([time_shape.format(j % 53 + 1), v]) for j, v in enumerate(values)]
    path = tmp_path_factory.mktemp("fuzz") / "series.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    try:
        result = detect_csv(path)
    except InputError as exc:
        assert str(path) in str(exc)
    else:
        assert len(result.frame) >= 1


def test_a_value_too_large_to_square_is_refused_by_line(tmp_path):
    path = tmp_path / "huge.csv"
    write(path, pd.date_range("2026-01-01", periods=40).strftime("%Y-%m-%d"), ["5"] * 30 + ["1e308"] + ["5"] * 9)
    with pytest.raises(SeriesFileError, match=r"line 32: value '1e308' is beyond \+-1e\+100"):
        detect_csv(path)
