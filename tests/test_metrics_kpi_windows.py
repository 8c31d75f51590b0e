"""kpi_summary: a chosen subset of metrics, and each metric's window + previous window in one query.

The one-query form must give exactly what two separate whole-window queries give (the way
kpi_summary used to compute it), from tickets and from the marts, in UTC and across DST changes.
"""
from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from metrics.errors import InvalidQuery
from metrics.marts import build_marts
from metrics.query import MetricQuery, run_query
from metrics.scorecards import KPI_METRICS, kpi_summary, window_value
from core.errors import InputError
from tests.metrics_fixtures import cfg, day, flow_tickets, sla_tickets, ticket, warehouse

TILES = ("inflow", "backlog", "frt_p50", "frt_p90", "sla_frt_attainment", "escalation_rate",
         "high_profile_inflow")
HIGH_PROFILE = (("high_profile", ("true",)),)


def separate_windows(con, config, name, date_from, date_to, filters=()) -> tuple:
    """(value, n, previous value) the old way: one query per window."""
    length = date_to - date_from + dt.timedelta(days=1)
    now = window_value(con, config, name, date_from, date_to, filters)
    before = window_value(con, config, name, date_from - length, date_from - dt.timedelta(days=1), filters)

    def single(frame, column):
        return math.nan if frame.empty or pd.isna(frame[column].iloc[0]) else float(frame[column].iloc[0])
    n = single(now, "n")
    previous = single(before, "value")
    # a previous window that ends before the first ticket was never measured: empty, not 0
    if pd.Timestamp(date_from) <= first_ticket_day_start(con, config):
        previous = math.nan
    return single(now, "value"), 0 if math.isnan(n) else int(n), previous


def first_ticket_day_start(con, config) -> pd.Timestamp:
    """The first ticket's creation, local and naive like a window's start (the earliest timestamp when there are none)."""
    first = con.execute("SELECT min(created_at) FROM tickets").fetchall()[0][0]
    if first is None:
        return pd.Timestamp.min
    return pd.Timestamp(first).tz_convert(config.reporting_timezone).tz_localize(None)


def same(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or a == pytest.approx(b, rel=1e-12, abs=1e-12)


def assert_matches_separate_windows(con, config, date_from, date_to, filters=()) -> None:
    kpi = kpi_summary(con, config, date_from, date_to, filters).set_index("metric")
    for name in KPI_METRICS:
        value, n, previous = separate_windows(con, config, name, date_from, date_to, filters)
        row = kpi.loc[name]
        assert same(row["value"], value), (name, row["value"], value)
        assert int(row["n"]) == n, (name, row["n"], n)
        assert same(row["previous_value"], previous), (name, row["previous_value"], previous)


@pytest.fixture(scope="module")
def con():
    c = warehouse(sla_tickets() + flow_tickets())
    yield c
    c.close()


@pytest.mark.parametrize("metrics", [TILES, ("backlog",), ("csat_avg", "inflow"), ("breach_risk", "frt_p90"),
                                     KPI_METRICS])
@pytest.mark.parametrize("filters", [(), HIGH_PROFILE, (("region", ("BR",)),)])
def test_subset_equals_the_same_rows_of_the_full_summary(con, metrics, filters):
    config = cfg(metric_targets={"sla_frt_attainment": 0.95})
    full = kpi_summary(con, config, day("2026-03-03"), day("2026-03-10"), filters).set_index("metric")
    subset = kpi_summary(con, config, day("2026-03-03"), day("2026-03-10"), filters, metrics=metrics)
    assert subset["metric"].tolist() == list(metrics)          # in the order asked for
    pd.testing.assert_frame_equal(subset.set_index("metric"), full.loc[list(metrics)])


def test_default_is_every_kpi_metric(con):
    frame = kpi_summary(con, cfg(), day("2026-03-03"), day("2026-03-04"))
    assert frame["metric"].tolist() == list(KPI_METRICS)
    assert "category_share" not in KPI_METRICS and "high_profile_inflow" in KPI_METRICS


@pytest.mark.parametrize("metrics, named", [(("inflw",), "inflw"), (("category_share",), "category_share")])
def test_unknown_or_windowless_metric_is_named_with_the_valid_ones(con, metrics, named):
    with pytest.raises(InvalidQuery) as info:
        kpi_summary(con, cfg(), day("2026-03-03"), day("2026-03-04"), metrics=metrics)
    assert issubclass(InvalidQuery, InputError)
    assert named in str(info.value) and "sla_frt_attainment" in str(info.value)


def test_previous_window_by_hand():
    # window 03-03..03-04, previous 03-01..03-02 (flow fixture, worked out in test_metrics_api.py)
    c = warehouse(flow_tickets())
    kpi = kpi_summary(c, cfg(), day("2026-03-03"), day("2026-03-04"),
                      metrics=("inflow", "backlog", "frt_p50")).set_index("metric")
    assert kpi.loc["inflow", ["value", "n", "previous_value"]].tolist() == [1.0, 1, 3.0]   # t4 | t1 t2 t6
    # open at the end of 03-04: t3 t5 t6 t4; at the end of 03-02: t2 t3 t5 t6
    assert kpi.loc["backlog", ["value", "previous_value"]].tolist() == [4.0, 4.0]
    # answered: t4 after 240 min | t1 after 30 min
    assert kpi.loc["frt_p50", ["value", "n", "previous_value"]].tolist() == [240.0, 1, 30.0]


@pytest.mark.parametrize("source", ["tickets", "mart"])
@pytest.mark.parametrize("metric", [m for m in KPI_METRICS if m != "breach_risk"])
def test_window_compare_is_the_two_separate_windows(metric, source):
    c = warehouse(sla_tickets() + flow_tickets())
    config = cfg("Europe/Berlin")
    build_marts(c, config)
    query = MetricQuery(metric, grain="window", date_from=day("2026-03-03"), date_to=day("2026-03-09"),
                        compare="previous")
    both = run_query(c, query, config, source=source)
    now = run_query(c, MetricQuery(metric, grain="window", date_from=day("2026-03-03"),
                                   date_to=day("2026-03-09")), config, source=source)
    before = run_query(c, MetricQuery(metric, grain="window", date_from=day("2026-02-24"),
                                      date_to=day("2026-03-02")), config, source=source)
    assert len(both) == 1
    assert both["period_start"].iloc[0] == now["period_start"].iloc[0]
    assert same(both["value"].iloc[0], now["value"].iloc[0]) and both["n"].iloc[0] == now["n"].iloc[0]
    assert same(both["previous_value"].iloc[0], before["value"].iloc[0])


def test_breach_risk_has_no_previous_window_in_one_query(con):
    query = MetricQuery("breach_risk", grain="window", date_from=day("2026-03-03"), date_to=day("2026-03-10"),
                        compare="previous")
    with pytest.raises(InvalidQuery, match="snapshot"):
        run_query(con, query, cfg())


# ---- property: any tickets, any window, any zone ------------------------------------------------

START = dt.datetime(2026, 3, 20)   # Europe/Berlin springs forward on 03-29, America/Santiago falls back 04-05
minutes = st.integers(min_value=0, max_value=20 * 24 * 60)


@st.composite
def tickets(draw):
    rows = []
    for i in range(draw(st.integers(min_value=0, max_value=25))):
        created = START + dt.timedelta(minutes=draw(minutes))
        frt = draw(st.none() | st.integers(min_value=0, max_value=3 * 24 * 60))
        ttr = draw(st.none() | st.integers(min_value=0, max_value=9 * 24 * 60))
        fmt = "%Y-%m-%d %H:%M"
        rows.append(ticket(
            created.strftime(fmt), ticket_id=f"p{i}",
            first_response_at=None if frt is None else (created + dt.timedelta(minutes=frt)).strftime(fmt),
            resolved_at=None if ttr is None else (created + dt.timedelta(minutes=ttr)).strftime(fmt),
            priority=draw(st.sampled_from(("urgent", "high", "normal", "low"))),
            region=draw(st.sampled_from(("BR", "US"))), high_profile=draw(st.booleans()),
            escalated=draw(st.booleans()), reopen_count=draw(st.sampled_from((0, 0, 1))),
            qa_score=draw(st.none() | st.integers(min_value=0, max_value=100).map(float)),
            csat=draw(st.none() | st.integers(min_value=1, max_value=5)),
        ))
    return rows


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=tickets(), first=st.integers(min_value=-3, max_value=22), length=st.integers(min_value=1, max_value=9),
       tz=st.sampled_from(("UTC", "Europe/Berlin", "America/Santiago")), with_marts=st.booleans(),
       high_profile=st.booleans())
def test_summary_equals_separate_windows_for_any_tickets(rows, first, length, tz, with_marts, high_profile):
    c = warehouse(rows)
    config = cfg(tz)
    if with_marts:
        build_marts(c, config)
    date_from = START.date() + dt.timedelta(days=first)
    try:
        assert_matches_separate_windows(c, config, date_from, date_from + dt.timedelta(days=length - 1),
                                        HIGH_PROFILE if high_profile and rows else ())
    finally:
        c.close()
