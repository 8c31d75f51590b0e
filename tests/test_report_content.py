"""The weekly report file: self-contained, escaped, deterministic, numbers from the metrics layer."""
from __future__ import annotations

import datetime as dt
import difflib
import re

import pytest
from markupsafe import escape

from dashboards.formatting import format_value
from dashboards.report.build import build_weekly_report, write_weekly_report
from dashboards.report.weeks import BadWeek, default_week, parse_week
from metrics.errors import UnknownFilterValue
from core.warehouse import connect_read
from tests.report_fixtures import (HOSTILE_QUEUE, HOSTILE_REGION, HOSTILE_VENDOR, NETWORK_REFERENCE, WEEK,
                                   build_report_warehouse, without_plotly_js)

MAX_BYTES = 6 * 1024 * 1024
T1 = dt.datetime(2026, 11, 24, 8, 0, tzinfo=dt.timezone.utc)
T2 = dt.datetime(2026, 11, 25, 9, 30, 15, tzinfo=dt.timezone.utc)


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    config = build_report_warehouse(tmp_path_factory.mktemp("report"))
    con = connect_read(config.db_path)
    yield config, con
    con.close()


@pytest.fixture(scope="module")
def report(warehouse):
    config, con = warehouse
    return build_weekly_report(con, config, week=WEEK, generated_at=T1)


def test_no_network_resource_and_plotly_inlined_once(report):
    rest = without_plotly_js(report)
    assert NETWORK_REFERENCE.findall(rest) == []
    assert len(report.encode("utf-8")) <= MAX_BYTES
    n_divs = len(re.findall(r'<div id="fig-[a-z-]+" class="plotly-graph-div"', rest))
    assert n_divs == rest.count("Plotly.newPlot(") == 7
    assert "mathjax" not in rest.lower()


def test_data_strings_are_escaped(report):
    rest = without_plotly_js(report)
    for raw in (HOSTILE_VENDOR, HOSTILE_REGION, HOSTILE_QUEUE, "<b>x</b>"):
        assert raw not in rest
    assert HOSTILE_REGION.upper() not in rest          # the loader upper-cases region codes
    # shown as text in the tables (vendor scorecard, SLA by region)
    assert str(escape(HOSTILE_VENDOR)) in rest
    assert str(escape(HOSTILE_REGION.upper())) in rest
    # the only <script> tags are the bundle and one per chart
    assert len(re.findall(r"<script\b", rest)) == 1 + rest.count("Plotly.newPlot(")


def test_deterministic_except_generated_at(warehouse, report):
    config, con = warehouse
    again = build_weekly_report(con, config, week=WEEK, generated_at=T2)
    changed = [line for line in difflib.unified_diff(report.splitlines(), again.splitlines(), lineterm="", n=0)
               if line[:1] in "+-" and not line.startswith(("+++", "---"))]
    assert changed and all(T1.strftime("%Y-%m-%d %H:%M:%S") in line or T2.strftime("%Y-%m-%d %H:%M:%S") in line
                           for line in changed)
    assert again.replace(T2.strftime("%Y-%m-%d %H:%M:%S"), T1.strftime("%Y-%m-%d %H:%M:%S")) == report


def _tile(report: str, metric: str) -> str:
    match = re.search(rf'data-metric="{metric}">\s*<div class="name">[^<]*</div>\s*<div class="value">([^<]*)</div>',
                      report)
    assert match, metric
    return match.group(1)


def test_headline_numbers_match_hand_counts(warehouse, report):
    config, con = warehouse
    week = parse_week(WEEK)
    start = dt.datetime.combine(week.monday, dt.time(), dt.timezone.utc)
    end = start + dt.timedelta(days=7)
    inflow, prev_inflow, solved = con.execute(
        "SELECT count(*) FILTER (WHERE created_at >= $s AND created_at < $e), "
        "count(*) FILTER (WHERE created_at >= $s - INTERVAL 7 DAY AND created_at < $s), "
        "count(*) FILTER (WHERE resolved_at >= $s AND resolved_at < $e) FROM tickets",
        {"s": start, "e": end}).fetchall()[0]
    backlog = con.execute("SELECT count(*) FROM tickets WHERE created_at < $e AND (resolved_at IS NULL OR "
                          "resolved_at >= $e)", {"e": end}).fetchall()[0][0]
    assert _tile(report, "inflow") == format_value(inflow, "tickets")
    assert _tile(report, "solved") == format_value(solved, "tickets")
    assert _tile(report, "backlog") == format_value(backlog, "tickets")
    change = f"{(inflow / prev_inflow - 1) * 100:+.1f}% vs {prev_inflow:,}"
    assert change in report
    assert "target 90.0%" in report


def test_filtered_partner_report_shows_only_its_vendor(warehouse):
    config, con = warehouse
    vendors = [r[0] for r in con.execute("SELECT DISTINCT vendor FROM tickets ORDER BY 1").fetchall()]
    mine = "Harbor Ops"
    text = without_plotly_js(build_weekly_report(con, config, week=WEEK, filters=(("vendor", (mine,)),),
                                                 generated_at=T1))
    assert "Scope: vendor = Harbor Ops" in text
    for other in vendors:
        if other != mine:
            assert str(escape(other)) not in text, other
    n = con.execute("SELECT count(*) FROM tickets WHERE vendor = ? AND created_at >= '2026-06-15' "
                    "AND created_at < '2026-06-22'", [mine]).fetchall()[0][0]
    assert _tile(text, "inflow") == format_value(n, "tickets")
    assert "hostile.csv" not in text           # no file list in a partner report


def test_a_week_outside_the_data_is_refused_not_reported_as_zeros(warehouse):
    from dashboards.report.build import NoDataForWeek
    config, con = warehouse
    with pytest.raises(NoDataForWeek, match=r"no tickets in 2026-W02 \(2026-01-05 to 2026-01-11\): the data runs"):
        build_weekly_report(con, config, week="2026-W02", generated_at=T1)


def test_anomalies_section_lists_the_weeks_alerts_most_severe_first(warehouse):
    config, con = warehouse
    # the week of the sample's first alert (which spikes the detector flags is its business)
    (first_start,) = con.execute("SELECT min(start_at) FROM anomalies").fetchall()[0]
    year, number, _ = first_start.isocalendar()
    alert_week = f"{year}-W{number:02d}"
    report = build_weekly_report(con, config, week=alert_week, generated_at=T1)
    week = parse_week(alert_week)
    start = dt.datetime.combine(week.monday, dt.time(), dt.timezone.utc)
    expected = con.execute("SELECT count(*) FROM anomalies WHERE start_at < $e AND end_at >= $s",
                           {"s": start, "e": start + dt.timedelta(days=7)}).fetchall()[0][0]
    assert expected > 0
    shown = re.findall(r'<span class="sev sev-([a-z]+)">', report)
    assert len(shown) == min(expected, 40)
    rank = {"critical": 0, "high": 1, "medium": 2, "low": 3}
    assert [rank[s] for s in shown] == sorted(rank[s] for s in shown)


def test_bad_week_and_filter_are_input_errors(warehouse):
    config, con = warehouse
    with pytest.raises(BadWeek, match="2026-W60"):
        build_weekly_report(con, config, week="2026-W60")
    with pytest.raises(BadWeek, match="like 2026-W47"):
        build_weekly_report(con, config, week="last week")
    with pytest.raises(UnknownFilterValue, match="nobody"):
        build_weekly_report(con, config, week=WEEK, filters=(("vendor", ("nobody",)),))


@pytest.mark.parametrize("day, week", [
    (dt.date(2026, 6, 29), "2026-W26"),     # Monday: the week that just ended
    (dt.date(2026, 6, 28), "2026-W25"),     # Sunday: its own week is not complete yet
    (dt.date(2026, 1, 1), "2025-W52"),      # ISO year differs from the calendar year
    (dt.date(2021, 1, 10), "2020-W53"),
])
def test_default_week_is_last_complete_week(day, week, tmp_path):
    from core.config import load_config
    from core.warehouse import writing
    from tests.ticket_factory import insert_tickets, ticket
    config = load_config(None, str(tmp_path / "w.duckdb"))
    with writing(config.db_path) as con:
        insert_tickets(con, [ticket(f"{day.isoformat()} 12:00")])
    con = connect_read(config.db_path)
    try:
        assert default_week(con, config) == week
    finally:
        con.close()


def test_write_is_atomic_and_leaves_no_temp_file(warehouse, tmp_path):
    config, con = warehouse
    out = tmp_path / "out" / "w.html"
    out.parent.mkdir()
    out.write_text("old report", encoding="utf-8")
    write_weekly_report(con, config, week=WEEK, out_path=out, generated_at=T1)
    assert out.read_text(encoding="utf-8") == build_weekly_report(con, config, week=WEEK, generated_at=T1)
    assert [p.name for p in out.parent.iterdir()] == ["w.html"]


def test_data_quality_counts_the_weeks_loads_and_rejections(tmp_path):
    """Files loaded during the report week (load time = now), with rows rejected by reason."""
    from dashboards.report.weeks import week_of
    from core.config import load_config
    from pipelines.ingest import ingest_file
    from core.warehouse import writing
    from tests.refresh_fixtures import ticket_row, tickets_between, write_csv
    config = load_config(None, str(tmp_path / "dq.duckdb"))
    start = dt.datetime(2026, 11, 2, tzinfo=dt.timezone.utc)
    # one ticket created now, so the data reaches the week of the loads (a week outside the data is refused)
    today = ticket_row(999, dt.datetime.now(dt.timezone.utc).replace(microsecond=0), prefix="N")
    good = write_csv(tmp_path / "good.csv", tickets_between(start, 3, 10) + [today])
    bad_rows = [ticket_row(900 + i, start, prefix="B", priority="extreme") for i in range(3)]
    bad_rows.append(ticket_row(990, start, prefix="B", created_at="not a time"))
    mixed = write_csv(tmp_path / "mixed.csv", tickets_between(start, 1, 5, prefix="M") + bad_rows)
    with writing(config.db_path) as con:
        ingest_file(con, good, config)
        ingest_file(con, mixed, config)
        ingest_file(con, good, config)          # same sha256: not recorded again, not counted
        reasons = dict(con.execute("SELECT reason, count(*) FROM rejected_rows GROUP BY 1").fetchall())
    assert sum(reasons.values()) == 4
    con = connect_read(config.db_path)
    try:
        now_week = week_of(dt.datetime.now(dt.timezone.utc).date()).label
        text = without_plotly_js(build_weekly_report(con, config, week=now_week, generated_at=T1))
        earlier = without_plotly_js(build_weekly_report(con, config, week="2026-W45", generated_at=T1))
    finally:
        con.close()
    during = re.search(r"<td class=\"text\">During the week</td>((?:<td>[^<]*</td>){5})", text).group(1)
    assert re.findall(r"<td>([^<]*)</td>", during) == ["2", "0", "40", "36", "4"]
    for reason, n in reasons.items():
        assert f'<tr><td class="text">{escape(reason)}</td><td>{n}</td><td>1</td></tr>' in text
    assert "good.csv" in text and "mixed.csv" in text
    during_before = re.search(r"<td class=\"text\">During the week</td>((?:<td>[^<]*</td>){5})", earlier).group(1)
    assert re.findall(r"<td>([^<]*)</td>", during_before) == ["0", "0", "0", "0", "0"]
    assert "Since the warehouse was built</td><td>2</td><td></td><td>40</td><td>36</td><td>4</td>" in earlier


@pytest.mark.parametrize("values, expected", [
    # one column of first-response p50 by region: 117 min beside 414 min -> all in hours
    ({"frt_p50": [117.0, 414.0], "inflow": [10, 12]}, {"frt_p50": "h"}),
    # p50 small, p90 large: the measure shares one unit across its columns
    ({"frt_p50": [30.0], "frt_p90": [300.0]}, {"frt_p50": "h", "frt_p90": "h"}),
    ({"frt_p50": [30.0, float("nan")], "frt_p90": [90.0]}, {"frt_p50": "min", "frt_p90": "min"}),
    # resolution time is measured in hours: days once the largest is two days
    ({"ttr_p50": [20.0, 50.0], "frt_p50": [5.0]}, {"ttr_p50": "d", "frt_p50": "min"}),
])
def test_a_report_table_writes_one_measure_in_one_unit(values, expected):
    from dashboards.report.sections import duration_scales
    assert {m: scale[0] for m, scale in duration_scales(values).items()} == expected


def test_cells_of_one_column_never_mix_minutes_and_hours():
    from dashboards.report.sections import _cell, duration_scales
    scales = duration_scales({"frt_p50": [117.0, 414.0]})
    assert [_cell("frt_p50", v, None, scales)["text"] for v in (117.0, 414.0)] == ["1.9 h", "6.9 h"]   # 117 / 60 = 1.95 (a float just under)
