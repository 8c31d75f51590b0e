"""inflow, solved, backlog and its age bands on fixtures worked out by hand.

Flow fixture (tests/metrics_fixtures.flow_tickets), UTC, window 2026-03-01 .. 03-04:
  t1 BR spam        created 03-01 10:00, resolved 03-01 18:00      (created and resolved same day)
  t2 BR harassment  created 03-01 22:00, resolved 03-03 00:00      (resolved exactly at end of 03-02)
  t3 US spam        created 02-27 12:00, open                       (open across the window start)
  t4 US spam        created 03-03 09:00, open
  t5 BR spam        created 02-20 00:00, open                       (older than 7 days)
  t6 US harassment  created 03-02 00:00, resolved 03-05 00:00      (resolved exactly at end of 03-04)
Ages at each day's end (end = next midnight):
  end 03-01: t2 2h, t3 2.5d, t5 10d                    -> <1d 1, 1-3d 1, 3-7d 0, >7d 1  (backlog 3)
  end 03-02: t2 26h, t3 3.5d, t5, t6 exactly 24h        -> 0, 2, 1, 1                     (4)
  end 03-03: t3 4.5d, t4 15h, t5, t6 48h                -> 1, 1, 1, 1                     (4)
  end 03-04: t3 5.5d, t4 39h, t5, t6 exactly 72h        -> 0, 1, 2, 1                     (4)
03-04 has no events at all (an empty period).
"""
from __future__ import annotations

import pytest

from metrics.query import MetricQuery, run_query
from tests.metrics_fixtures import cfg, day, flow_tickets, rows, ticket, warehouse

DAYS = ("2026-03-01", "2026-03-02", "2026-03-03", "2026-03-04")


@pytest.fixture(scope="module")
def con():
    c = warehouse(flow_tickets())
    yield c
    c.close()


def daily(con, metric, **kw):
    q = MetricQuery(metric, grain="day", date_from=day("2026-03-01"), date_to=day("2026-03-04"), **kw)
    return run_query(con, q, cfg())


@pytest.mark.parametrize("metric, expected", [
    ("inflow", [2, 1, 1, 0]),
    ("solved", [1, 0, 1, 0]),
    ("backlog", [3, 4, 4, 4]),
    ("backlog_age_lt_1d", [1, 0, 1, 0]),
    ("backlog_age_1_3d", [1, 2, 1, 1]),
    ("backlog_age_3_7d", [0, 1, 1, 2]),
    ("backlog_age_gt_7d", [1, 1, 1, 1]),
])
def test_daily_totals(con, metric, expected):
    frame = daily(con, metric)
    assert rows(frame, "period_start", "value", "n") == [(d, float(v), v) for d, v in zip(DAYS, expected)]


@pytest.mark.parametrize("metric, expected", [
    ("inflow", {"BR": [2, 0, 0, 0], "US": [0, 1, 1, 0]}),
    ("solved", {"BR": [1, 0, 1, 0], "US": [0, 0, 0, 0]}),
    # BR: t2 (until its end-of-03-02 resolution) + t5; US: t3, then t6, then t4
    ("backlog", {"BR": [2, 2, 1, 1], "US": [1, 2, 3, 3]}),
])
def test_by_region_is_dense(con, metric, expected):
    frame = daily(con, metric, by=("region",))
    want = [(d, r, float(v)) for i, d in enumerate(DAYS) for r, v in
            sorted((r, vals[i]) for r, vals in expected.items())]
    assert rows(frame, "period_start", "region", "value") == want


def test_filter_and_multi_value_filter(con):
    br = daily(con, "backlog", filters=(("region", ("BR",)),))
    assert rows(br, "value") == [(2.0,), (2.0,), (1.0,), (1.0,)]
    both = daily(con, "inflow", filters=(("region", ("BR", "US")),))
    assert rows(both, "value") == [(2.0,), (1.0,), (1.0,), (0.0,)]


def test_high_profile_view_is_a_filter(con):
    hp = daily(con, "backlog", filters=(("high_profile", ("true",)),))
    assert rows(hp, "value") == [(1.0,)] * 4          # only t5
    assert rows(daily(con, "high_profile_inflow"), "value") == [(0.0,)] * 4
    assert rows(daily(con, "high_profile_inflow", filters=(("high_profile", ("false",)),)), "value") == [(0.0,)] * 4
    weekly = MetricQuery("high_profile_inflow", grain="month", date_from=day("2026-02-01"), date_to=day("2026-02-28"))
    assert rows(run_query(con, weekly, cfg()), "value") == [(1.0,)]      # t5, created 02-20


def test_two_dimensions(con):
    frame = daily(con, "inflow", by=("region", "abuse_category"))
    first_day = [r for r in rows(frame, "period_start", "region", "abuse_category", "value") if r[0] == DAYS[0]]
    # combinations alive in the window: BR/harassment (t2), BR/spam (t1, t5), US/harassment (t6), US/spam (t3, t4)
    assert first_day == [(DAYS[0], "BR", "harassment", 1.0), (DAYS[0], "BR", "spam", 1.0),
                         (DAYS[0], "US", "harassment", 0.0), (DAYS[0], "US", "spam", 0.0)]
    assert len(frame) == 4 * 4


def test_weekly_grain_iso_weeks_start_monday(con):
    # 03-01 is a Sunday: the window covers the ISO weeks starting 02-23 and 03-02 (to 03-09)
    q = dict(grain="week", date_from=day("2026-03-01"), date_to=day("2026-03-04"))
    assert rows(run_query(con, MetricQuery("inflow", **q), cfg()), "period_start", "value") == [
        ("2026-02-23", 3.0), ("2026-03-02", 2.0)]      # t3 t1 t2 | t6 t4
    assert rows(run_query(con, MetricQuery("solved", **q), cfg()), "value") == [(1.0,), (2.0,)]  # t1 | t2 t6
    # end of week 1 = 03-02 00:00: t2 t3 t5 open; end of week 2 = 03-09: t3 t4 t5
    assert rows(run_query(con, MetricQuery("backlog", **q), cfg()), "value") == [(3.0,), (3.0,)]


def test_monthly_grain(con):
    q = dict(grain="month", date_from=day("2026-02-01"), date_to=day("2026-03-31"))
    assert rows(run_query(con, MetricQuery("inflow", **q), cfg()), "period_start", "value") == [
        ("2026-02-01", 2.0), ("2026-03-01", 4.0)]
    assert rows(run_query(con, MetricQuery("solved", **q), cfg()), "value") == [(0.0,), (3.0,)]
    assert rows(run_query(con, MetricQuery("backlog", **q), cfg()), "value") == [(2.0,), (3.0,)]


def test_default_window_is_first_ticket_to_as_of(con):
    frame = run_query(con, MetricQuery("inflow"), cfg())
    # first created_at 02-20, as_of = t6's resolution 03-05 00:00
    assert frame["period_start"].min().strftime("%Y-%m-%d") == "2026-02-20"
    assert frame["period_start"].max().strftime("%Y-%m-%d") == "2026-03-05"
    assert len(frame) == 14 and frame["value"].sum() == 6


def test_one_sided_window_outside_the_data(con):
    before = run_query(con, MetricQuery("backlog", date_to=day("2026-01-01")), cfg())
    assert rows(before, "period_start", "value") == [("2026-01-01", 0.0)]
    after = run_query(con, MetricQuery("backlog", date_from=day("2026-03-10")), cfg())
    assert rows(after, "period_start", "value") == [("2026-03-10", 3.0)]     # t3 t4 t5 still open


def test_compare_previous(con):
    frame = daily(con, "inflow", compare="previous")
    # the day before 03-01 (02-28) had no inflow
    assert rows(frame, "period_start", "value", "previous_value", "change") == [
        ("2026-03-01", 2.0, 0.0, 2.0), ("2026-03-02", 1.0, 2.0, -1.0),
        ("2026-03-03", 1.0, 1.0, 0.0), ("2026-03-04", 0.0, 1.0, -1.0)]


def test_empty_window_lists_every_period_with_zero():
    c = warehouse([ticket("2026-01-05 10:00")])
    frame = run_query(c, MetricQuery("inflow", date_from=day("2026-02-01"), date_to=day("2026-02-03")), cfg())
    assert rows(frame, "period_start", "value", "n") == [
        ("2026-02-01", 0.0, 0), ("2026-02-02", 0.0, 0), ("2026-02-03", 0.0, 0)]
    assert rows(run_query(c, MetricQuery("backlog", date_from=day("2026-02-01"), date_to=day("2026-02-01")),
                          cfg()), "value") == [(1.0,)]


def test_empty_warehouse_gives_empty_frame():
    c = warehouse([])
    frame = run_query(c, MetricQuery("inflow", by=("region",)), cfg())
    assert frame.empty and list(frame.columns) == ["period_start", "region", "value", "n"]


# Europe/Berlin: 2026-03-29 lasts 23 hours (02:00 CET -> 03:00 CEST at 01:00 UTC);
# 2026-10-25 lasts 25 hours (03:00 CEST -> 02:00 CET at 01:00 UTC).
BERLIN = [
    ticket("2026-03-28 22:30", ticket_id="a", resolved_at="2026-03-29 22:00"),  # 03-28 23:30 local; solved at end of 03-29
    ticket("2026-03-28 23:00", ticket_id="b"),   # 03-29 00:00 CET: first instant of 03-29
    ticket("2026-03-29 21:59", ticket_id="c"),   # 03-29 23:59 CEST: last minute of the short day
    ticket("2026-03-29 22:00", ticket_id="d"),   # 03-30 00:00 CEST
    ticket("2026-10-24 22:00", ticket_id="g"),   # 10-25 00:00 CEST
    ticket("2026-10-25 00:30", ticket_id="e"),   # 02:30 CEST (first 02:xx)
    ticket("2026-10-25 01:30", ticket_id="f"),   # 02:30 CET  (second 02:xx)
    ticket("2026-10-25 22:59", ticket_id="h"),   # 23:59 CET, last minute of the long day
    ticket("2026-10-25 23:00", ticket_id="i"),   # 10-26 00:00 CET
]


def test_dst_days_in_berlin():
    c = warehouse(BERLIN)
    berlin = cfg("Europe/Berlin")
    spring = dict(date_from=day("2026-03-28"), date_to=day("2026-03-30"))
    assert rows(run_query(c, MetricQuery("inflow", **spring), berlin), "period_start", "value") == [
        ("2026-03-28", 1.0), ("2026-03-29", 2.0), ("2026-03-30", 1.0)]
    # end of 03-29 local is 03-29 22:00 UTC: a (resolved exactly then), b, c open; d created exactly then
    assert rows(run_query(c, MetricQuery("backlog", **spring), berlin), "value") == [(1.0,), (3.0,), (3.0,)]
    assert rows(run_query(c, MetricQuery("solved", **spring), berlin), "value") == [(0.0,), (0.0,), (1.0,)]
    autumn = dict(date_from=day("2026-10-24"), date_to=day("2026-10-26"))
    assert rows(run_query(c, MetricQuery("inflow", **autumn), berlin), "value") == [(0.0,), (4.0,), (1.0,)]
    # the same tickets in UTC days
    assert rows(run_query(c, MetricQuery("inflow", **autumn), cfg()), "value") == [(1.0,), (4.0,), (0.0,)]


def test_dst_hours_in_berlin():
    c = warehouse(BERLIN)
    berlin = cfg("Europe/Berlin")
    spring = run_query(c, MetricQuery("inflow", grain="hour", date_from=day("2026-03-29"),
                                      date_to=day("2026-03-29")), berlin)
    hours = [t.hour for t in spring["period_start"]]
    assert len(hours) == 23 and 2 not in hours           # 02:00 does not exist that night
    assert spring["value"].sum() == 2 and spring["value"].iloc[0] == 1 and spring["value"].iloc[-1] == 1
    autumn = run_query(c, MetricQuery("inflow", grain="hour", date_from=day("2026-10-25"),
                                      date_to=day("2026-10-25")), berlin)
    assert len(autumn) == 24                             # the repeated 02:00 hour is one period
    at_two = autumn[autumn["period_start"].dt.hour == 2]
    assert at_two["value"].tolist() == [2.0]             # e and f


def test_week_in_sao_paulo_zone():
    # America/Sao_Paulo is UTC-3: 2026-03-02 02:00 UTC is still Sunday 03-01 locally
    c = warehouse([ticket("2026-03-02 02:00"), ticket("2026-03-02 03:00")])
    frame = run_query(c, MetricQuery("inflow", grain="week", date_from=day("2026-03-01"),
                                     date_to=day("2026-03-02")), cfg("America/Sao_Paulo"))
    assert rows(frame, "period_start", "value") == [("2026-02-23", 1.0), ("2026-03-02", 1.0)]
