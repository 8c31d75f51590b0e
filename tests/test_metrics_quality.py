"""Response times, SLA attainment, breach risk, rates, averages and category shares, by hand.

SLA fixture (tests/metrics_fixtures.sla_tickets), all created 2026-03-10 UTC; as_of = 12:00 (s6).
Targets: urgent 60 min, high 240, normal 1440.
  s1 urgent 08:00, answered 08:45 (45 min)          decided, met      resolved after 2.0 h
  s2 urgent 09:00, answered 10:00 (60 min = target)  decided, met      resolved after 2.5 h
  s3 urgent 09:00, answered 10:01 (61 min)           decided, missed
  s4 high   07:00, unanswered, target 11:00 < as_of  decided, missed (breach)
  s5 high   09:00, unanswered, target 13:00          undecided; at risk (60 min left)
  s6 normal 12:00, unanswered, target next day       undecided; not at risk (24 h left)
  s7 urgent 11:00, unanswered, target 12:00 = as_of  undecided (not yet elapsed); at risk (0 min left)
attainment = 2 met / 4 decided = 0.5
frt over s1 s2 s3 = 45, 60, 61: p50 = 60, p90 = 60 + 0.8 * (61 - 60) = 60.8 (positions 0..2, 0.9 * 2 = 1.8)
ttr over s1 s2 = 2.0, 2.5 h: p50 = 2.25, p90 = 2.0 + 0.9 * 0.5 = 2.45
escalated s1 s3 -> 2/7; reopened s2 s3 -> 2/7; qa 90, 70 -> 80 (n 2); csat 5, 2 -> 3.5 (n 2)
"""
from __future__ import annotations

import pytest

from metrics.query import MetricQuery, run_query
from metrics.ticket_listing import breach_risk_tickets
from tests.metrics_fixtures import cfg, day, rows, sla_tickets, ticket, warehouse


@pytest.fixture(scope="module")
def con():
    c = warehouse(sla_tickets())
    yield c
    c.close()


def one_day(con, metric, config=None, **kw):
    q = MetricQuery(metric, date_from=day("2026-03-10"), date_to=day("2026-03-10"), **kw)
    return run_query(con, q, config or cfg())


@pytest.mark.parametrize("metric, value, n", [
    ("sla_frt_attainment", 0.5, 4),
    ("frt_p50", 60.0, 3),
    ("frt_p90", 60.8, 3),
    ("ttr_p50", 2.25, 2),
    ("ttr_p90", 2.45, 2),
    ("escalation_rate", 2 / 7, 7),
    ("reopen_rate", 2 / 7, 7),
    ("qa_avg", 80.0, 2),
    ("csat_avg", 3.5, 2),
    ("breach_risk", 2.0, 4),
    ("inflow", 7.0, 7),
])
def test_day_totals(con, metric, value, n):
    frame = one_day(con, metric)
    assert len(frame) == 1
    assert frame["value"].iloc[0] == pytest.approx(value, rel=1e-12)
    assert frame["n"].iloc[0] == n


@pytest.mark.parametrize("metric, expected", [
    # (priority, value, n); normal has a live ticket (s6) but nothing decided/answered
    ("sla_frt_attainment", [("high", 0.0, 1), ("normal", None, 0), ("urgent", 2 / 3, 3)]),
    ("frt_p50", [("high", None, 0), ("normal", None, 0), ("urgent", 60.0, 3)]),
    ("breach_risk", [("high", 1.0, 2), ("normal", 0.0, 1), ("urgent", 1.0, 1)]),
])
def test_by_priority(con, metric, expected):
    got = rows(one_day(con, metric, by=("priority",)), "priority", "value", "n")
    assert [(p, v if v is None else pytest.approx(v), n) for p, v, n in got] == expected


def test_sla_decided_moves_with_as_of():
    # one later ticket moves as_of to 13:30: s5's target (13:00) has now passed -> a decided breach
    c = warehouse(sla_tickets() + [ticket("2026-03-10 13:30", ticket_id="late", priority="low")])
    frame = one_day(c, "sla_frt_attainment")
    assert (frame["value"].iloc[0], frame["n"].iloc[0]) == (pytest.approx(2 / 6), 6)   # s7 and s5 now decided


def test_sla_targets_come_from_config(con):
    strict = cfg(sla_frt_minutes={"urgent": 30, "high": 240, "normal": 1440, "low": 4320})
    # urgent target 30 min: s1 (45), s2, s3 all missed; s7's target 11:30 has passed
    frame = one_day(con, "sla_frt_attainment", config=strict, by=("priority",))
    assert rows(frame, "priority", "value", "n")[-1] == ("urgent", 0.0, 4)


def test_high_profile_filter(con):
    frame = one_day(con, "breach_risk", filters=(("high_profile", ("true",)),))
    assert rows(frame, "value", "n") == [(2.0, 2)]     # s5 and s7 are both high-profile


def test_breach_risk_tickets_soonest_first(con):
    frame = breach_risk_tickets(con, cfg())
    assert frame["ticket_id"].tolist() == ["s7", "s5"]
    assert frame["minutes_left"].tolist() == [0.0, 60.0]
    assert "reporter_hash" not in frame.columns
    assert breach_risk_tickets(con, cfg(), hours=0.5)["ticket_id"].tolist() == ["s7"]
    assert breach_risk_tickets(con, cfg(), filters=(("vendor", ("beta",)),))["ticket_id"].tolist() == ["s5"]


def test_breach_risk_is_only_the_as_of_period(con):
    frame = run_query(con, MetricQuery("breach_risk", date_from=day("2026-03-08"), date_to=day("2026-03-10")), cfg())
    assert rows(frame, "period_start", "value") == [("2026-03-10", 2.0)]
    before = run_query(con, MetricQuery("breach_risk", date_from=day("2026-03-01"), date_to=day("2026-03-09")), cfg())
    assert before.empty


def test_percentile_is_continuous_interpolation():
    # four answers 10, 20, 30, 100 min: p50 = 25, p90 at position 2.7 = 30 + 0.7 * 70 = 79
    c = warehouse([ticket("2026-03-01 00:00", first_response_at=f"2026-03-01 {t}")
                   for t in ("00:10", "00:20", "00:30", "01:40")])
    assert one_day_value(c, "frt_p50") == pytest.approx(25.0)
    assert one_day_value(c, "frt_p90") == pytest.approx(79.0)


def one_day_value(c, metric):
    frame = run_query(c, MetricQuery(metric, date_from=day("2026-03-01"), date_to=day("2026-03-01")), cfg())
    return frame["value"].iloc[0]


SHARES = [
    ticket("2026-03-01 01:00", region="BR", abuse_category="spam"),
    ticket("2026-03-01 02:00", region="BR", abuse_category="spam"),
    ticket("2026-03-01 03:00", region="BR", abuse_category="spam"),
    ticket("2026-03-01 04:00", region="BR", abuse_category="harassment"),
    ticket("2026-03-01 05:00", region="US", abuse_category="spam"),
    ticket("2026-03-03 01:00", region="BR", abuse_category="harassment"),
    ticket("2026-03-03 02:00", region="BR", abuse_category="harassment"),
]


def shares(con, **kw):
    q = MetricQuery("category_share", date_from=day("2026-03-01"), date_to=day("2026-03-03"), **kw)
    return rows(run_query(con, q, cfg()), "period_start", *kw.get("by", ()),
                *(() if "abuse_category" in kw.get("by", ()) else ("abuse_category",)), "value", "n")


def test_category_share_within_other_dimensions():
    c = warehouse(SHARES)
    assert shares(c, by=("region",)) == [
        ("2026-03-01", "BR", "harassment", 0.25, 4), ("2026-03-01", "BR", "spam", 0.75, 4),
        ("2026-03-01", "US", "spam", 1.0, 1),
        ("2026-03-02", "BR", "harassment", None, 0), ("2026-03-02", "BR", "spam", None, 0),
        ("2026-03-02", "US", "spam", None, 0),
        ("2026-03-03", "BR", "harassment", 1.0, 2), ("2026-03-03", "BR", "spam", 0.0, 2),
        ("2026-03-03", "US", "spam", None, 0),
    ]


def test_category_share_overall_and_category_filter_applies_after_sharing():
    c = warehouse(SHARES)
    assert shares(c)[:2] == [("2026-03-01", "harassment", 0.2, 5), ("2026-03-01", "spam", 0.8, 5)]
    only = shares(c, filters=(("abuse_category", ("harassment",)),))
    assert only == [("2026-03-01", "harassment", 0.2, 5), ("2026-03-02", "harassment", None, 0),
                    ("2026-03-03", "harassment", 1.0, 2)]
