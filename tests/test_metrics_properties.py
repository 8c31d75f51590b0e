"""Invariants over random warehouses, and the daily mart against the same metric from tickets.

The reference for inflow, solved, backlog and its age bands is a brute-force Python reading of
DESIGN.md (every ticket checked against every period end, in the reporting zone via zoneinfo),
which the SQL must match exactly without ever doing that join itself.
"""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from metrics.mart_state import mart_is_current
from metrics.marts import additive_mart_for, build_marts
from metrics.query import MetricQuery, run_query
from metrics.registry import ADDITIVE_MARTS
from tests.metrics_fixtures import cfg, ticket, warehouse

START = dt.datetime(2026, 3, 25, tzinfo=dt.timezone.utc)     # spans Berlin's 2026-03-29 DST change
FIRST, LAST = dt.date(2026, 3, 26), dt.date(2026, 4, 2)
ZONES = ("UTC", "Europe/Berlin", "America/Sao_Paulo")
REGIONS = ("BR", "DE", "US")
CATEGORIES = ("spam", "harassment", "self_harm")
PRIORITIES = ("urgent", "high", "normal", "low")


@st.composite
def tickets(draw):
    out = []
    for i in range(draw(st.integers(0, 25))):
        created = START + dt.timedelta(minutes=draw(st.integers(0, 10 * 24 * 60)))
        # whole hours often land exactly on period ends and age-band edges
        if draw(st.booleans()):
            created = created.replace(minute=0)
        resolve_after = draw(st.one_of(st.none(), st.sampled_from([0, 60, 24 * 60, 72 * 60, 168 * 60]),
                                       st.integers(1, 9 * 24 * 60)))
        answer_after = draw(st.one_of(st.none(), st.integers(0, 3000)))
        fmt = "%Y-%m-%d %H:%M"
        out.append(ticket(
            created.strftime(fmt), ticket_id=f"p{i}",
            resolved_at=None if resolve_after is None else (created + dt.timedelta(minutes=resolve_after)).strftime(fmt),
            first_response_at=None if answer_after is None else (created + dt.timedelta(minutes=answer_after)).strftime(fmt),
            region=draw(st.sampled_from(REGIONS)), abuse_category=draw(st.sampled_from(CATEGORIES)),
            priority=draw(st.sampled_from(PRIORITIES)), escalated=draw(st.booleans()),
            qa_score=draw(st.one_of(st.none(), st.floats(0, 100, allow_nan=False))),
            csat=draw(st.one_of(st.none(), st.integers(1, 5))),
        ))
    return out


def day_ends(tz: str) -> list[tuple[pd.Timestamp, dt.datetime, dt.datetime]]:
    zone, out, d = ZoneInfo(tz), [], FIRST
    while d <= LAST:
        start = dt.datetime(d.year, d.month, d.day, tzinfo=zone)
        nxt = d + dt.timedelta(days=1)
        end = dt.datetime(nxt.year, nxt.month, nxt.day, tzinfo=zone)
        out.append((pd.Timestamp(d), start, end))
        d = nxt
    return out


def brute_force(rows, tz):
    """metric -> list of values per day, straight from DESIGN.md's sentences."""
    ref = {k: [] for k in ("inflow", "solved", "backlog", "backlog_age_lt_1d", "backlog_age_1_3d",
                           "backlog_age_3_7d", "backlog_age_gt_7d")}
    h = dt.timedelta(hours=1)
    for _, start, end in day_ends(tz):
        ref["inflow"].append(sum(start <= r["created_at"] < end for r in rows))
        ref["solved"].append(sum(r["resolved_at"] is not None and start <= r["resolved_at"] < end for r in rows))
        ages = [end - r["created_at"] for r in rows
                if r["created_at"] < end and (r["resolved_at"] is None or r["resolved_at"] >= end)]
        ref["backlog"].append(len(ages))
        ref["backlog_age_lt_1d"].append(sum(a < 24 * h for a in ages))
        ref["backlog_age_1_3d"].append(sum(24 * h <= a < 72 * h for a in ages))
        ref["backlog_age_3_7d"].append(sum(72 * h <= a < 168 * h for a in ages))
        ref["backlog_age_gt_7d"].append(sum(a >= 168 * h for a in ages))
    return ref


def q(metric, **kw):
    return MetricQuery(metric, date_from=FIRST, date_to=LAST, **kw)


SETTINGS = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(rows=tickets(), tz=st.sampled_from(ZONES))
def test_flow_metrics_match_the_definition(rows, tz):
    con = warehouse(rows)
    for metric, expected in brute_force(rows, tz).items():
        got = run_query(con, q(metric), cfg(tz))
        assert got["value"].tolist() == [float(v) for v in expected], metric


@SETTINGS
@given(rows=tickets(), tz=st.sampled_from(ZONES))
def test_backlog_balance_and_dimension_sums(rows, tz):
    con = warehouse(rows)
    config = cfg(tz)
    total = {m: run_query(con, q(m), config)["value"].to_numpy() for m in ("inflow", "solved", "backlog")}
    # backlog(end d) = backlog(end d-1) + inflow(d) - solved(d)
    assert (total["backlog"][1:] == total["backlog"][:-1] + total["inflow"][1:] - total["solved"][1:]).all()
    for metric in ("inflow", "solved", "backlog"):
        by_region = run_query(con, q(metric, by=("region",)), config)
        summed = by_region.groupby("period_start")["value"].sum().reindex(
            [p for p, _, _ in day_ends(tz)], fill_value=0.0)
        assert summed.tolist() == total[metric].tolist(), metric


@SETTINGS
@given(rows=tickets(), tz=st.sampled_from(ZONES), grain=st.sampled_from(("day", "week")))
def test_shares_sum_to_one_and_rates_are_shares(rows, tz, grain):
    con = warehouse(rows)
    config = cfg(tz)
    share = run_query(con, q("category_share", by=("region",), grain=grain), config)
    sums = share.dropna(subset=["value"]).groupby(["period_start", "region"])["value"].sum()
    assert all(abs(s - 1.0) < 1e-12 for s in sums)
    for metric in ("sla_frt_attainment", "escalation_rate", "reopen_rate"):
        values = run_query(con, q(metric, by=("priority",), grain=grain), config)["value"].dropna()
        assert ((values >= 0) & (values <= 1)).all(), metric


ADDITIVE = ("inflow", "solved", "backlog", "backlog_age_lt_1d", "backlog_age_1_3d", "backlog_age_3_7d",
            "backlog_age_gt_7d", "sla_frt_attainment", "escalation_rate", "reopen_rate", "category_share",
            "qa_avg", "csat_avg", "high_profile_inflow", "frt_p50", "frt_p90", "ttr_p50", "ttr_p90")


@SETTINGS
@given(rows=tickets(), tz=st.sampled_from(ZONES), grain=st.sampled_from(("day", "week", "month")),
       by=st.sampled_from(((), ("region",), ("region", "abuse_category"), ("priority",),
                           ("region", "priority"), ("abuse_category", "language"))),
       region=st.sampled_from((None, "BR")))
def test_mart_gives_the_same_numbers_as_tickets(rows, tz, grain, by, region):
    con = warehouse(rows)
    config = cfg(tz)
    build_marts(con, config)
    assert mart_is_current(con, config)
    filters = (("region", (region,)),) if region and any(r["region"] == region for r in rows) else ()
    for metric in ADDITIVE:
        query = q(metric, grain=grain, by=by, filters=filters)
        direct = run_query(con, query, config, source="tickets")
        via_mart = run_query(con, query, config, source="mart")
        pd.testing.assert_frame_equal(direct, via_mart, check_exact=False, rtol=1e-12, obj=metric)


def test_mart_goes_stale_when_data_or_config_changes():
    con = warehouse([ticket("2026-03-01 10:00"), ticket("2026-03-02 10:00")])
    config = cfg("Europe/Berlin")
    counts = build_marts(con, config)
    # day rows: created 03-01 and 03-02 (the second also holds the first's 1-day crossing), then
    # the crossings 1d 03-03, 3d 03-04 and 03-05, 7d 03-08 and 03-09 (both tickets still open)
    assert counts["mart_daily"] == 7 and counts["mart_ticket_facts"] == 2
    assert mart_is_current(con, config)
    assert not mart_is_current(con, cfg("UTC"))
    con.execute("INSERT INTO tickets SELECT * REPLACE ('late' AS ticket_id, created_at + INTERVAL 3 DAY AS created_at,"
                " updated_at + INTERVAL 3 DAY AS updated_at) FROM tickets LIMIT 1")
    assert not mart_is_current(con, config)
    # auto falls back to tickets and sees the new ticket
    frame = run_query(con, MetricQuery("inflow", date_from=dt.date(2026, 3, 1), date_to=dt.date(2026, 3, 5)), config)
    assert frame["value"].sum() == 3.0


def test_auto_reads_the_mart_when_current(monkeypatch):
    con = warehouse([ticket("2026-03-01 10:00", first_response_at="2026-03-01 10:30")])
    build_marts(con, cfg())
    for name, _ in ADDITIVE_MARTS:            # marts that disagree show which source auto used
        con.execute(f"DELETE FROM {name}")
    con.execute("UPDATE mart_ticket_facts SET frt_minutes = 999")
    frame = run_query(con, MetricQuery("inflow"), cfg())
    assert frame["value"].sum() == 0.0
    assert run_query(con, MetricQuery("frt_p50"), cfg())["value"].tolist() == [999.0]
    assert run_query(con, MetricQuery("frt_p50", grain="hour"), cfg())["value"].dropna().tolist() == [30.0]
    # queue is not in the mart: read from tickets
    assert run_query(con, MetricQuery("inflow", by=("queue",)), cfg())["value"].sum() == 1.0
    with pytest.raises(Exception, match="mart cannot answer"):
        run_query(con, MetricQuery("inflow", grain="hour"), cfg(), source="mart")


@pytest.mark.parametrize("dims, mart", [
    ((), "mart_daily_vendor"),
    (("vendor", "high_profile"), "mart_daily_vendor"),
    (("region", "abuse_category"), "mart_daily_region_category"),
    (("region", "priority"), "mart_daily_core"),
    (("language",), "mart_daily"),
    (("queue",), None),
])
def test_smallest_mart_that_keeps_the_dimensions(dims, mart):
    assert additive_mart_for(dims) == mart


def test_dimension_values_from_mart_follow_the_data():
    con = warehouse([ticket("2026-03-01 10:00", region="BR"), ticket("2026-03-01 11:00", region="US")])
    build_marts(con, cfg())
    from metrics.query import dimension_values
    assert dimension_values(con, "region") == ["BR", "US"]
    con.execute("UPDATE mart_dimension_values SET dim_value = 'XX' WHERE dim_value = 'US'")
    assert dimension_values(con, "region") == ["BR", "XX"]      # read from the mart while current
    con.execute("INSERT INTO tickets SELECT * REPLACE ('n2' AS ticket_id, 'DE' AS region) FROM tickets LIMIT 1")
    assert dimension_values(con, "region") == ["BR", "DE", "US"]  # stale mart: straight from tickets


def test_a_new_load_run_makes_the_marts_stale():
    # an out-of-order load can change a ticket without moving as_of or the ticket count
    con = warehouse([ticket("2026-03-01 10:00"), ticket("2026-03-02 10:00")])
    build_marts(con, cfg())
    assert mart_is_current(con, cfg())
    con.execute("INSERT INTO load_runs VALUES (1, 'f.csv', 'f.csv', 'abc', 'canonical', 1, 1, 0, 1, 0, 0, "
                "now(), now(), 'loaded', 'UTC', 1)")
    assert not mart_is_current(con, cfg())
