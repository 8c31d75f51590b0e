"""update_marts after each load gives the same marts (and run_query numbers) as build_marts from scratch.

Two in-memory warehouses receive the same random sequence of loads: one is brought up to date with
update_marts after every load, the other rebuilt with build_marts. Loads are what the pipeline
does to tickets: new tickets, new versions that move a ticket's creation across a month boundary
or resolve it months later (delete-then-insert with the load's load_run_id, as
pipelines/sql/upsert_tickets.sql), and Salesforce milestone loads that fill first_response_at of
existing cases (case_milestones + pipelines.milestones.apply_first_responses, an UPDATE tickets).
"""
from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from metrics.mart_state import mart_is_current
from metrics.mart_update import update_marts
from metrics.marts import MART_TABLES, build_marts
from metrics.query import MetricQuery, run_query
from pipelines.milestones import apply_first_responses
from core.warehouse import connect_memory
from tests.metrics_fixtures import cfg
from tests.ticket_factory import insert_tickets, ticket

UTC = dt.timezone.utc
# loads span late January to early May: several month boundaries and Berlin's / Sao Paulo's clocks
BASE = dt.datetime(2026, 1, 25, tzinfo=UTC)
SPAN_MINUTES = 100 * 24 * 60
ZONES = ("UTC", "Europe/Berlin", "America/Sao_Paulo")
REGIONS = ("BR", "DE", "US")
FMT = "%Y-%m-%d %H:%M"
MONTH_ENDS = [dt.datetime(2026, m, 1, tzinfo=UTC) for m in (2, 3, 4, 5)]
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def ticket_version(draw, key):
    """One version of ticket `key` = (source, ticket_id): anywhere in the span, maybe resolved
    weeks later (another month), maybe answered."""
    if draw(st.booleans()):
        created = BASE + dt.timedelta(minutes=draw(st.integers(0, SPAN_MINUTES)))
    else:   # in a month's last week: its age-band crossings fall in the next month
        month_end = draw(st.sampled_from(MONTH_ENDS))
        created = month_end - dt.timedelta(minutes=draw(st.integers(1, 7 * 24 * 60)))
    if draw(st.booleans()):
        created = created.replace(minute=0, hour=draw(st.sampled_from([0, 22, 23])))   # near local midnights
    resolve_after = draw(st.one_of(st.none(), st.sampled_from([60, 24 * 60, 168 * 60]),
                                   st.integers(1, 60 * 24 * 60)))
    answer_after = draw(st.one_of(st.none(), st.integers(0, 5000)))
    return ticket(
        created.strftime(FMT), source=key[0], ticket_id=key[1],
        resolved_at=None if resolve_after is None else (created + dt.timedelta(minutes=resolve_after)).strftime(FMT),
        first_response_at=None if answer_after is None else (created + dt.timedelta(minutes=answer_after)).strftime(FMT),
        region=draw(st.sampled_from(REGIONS + ("ZZ",))), priority=draw(st.sampled_from(("urgent", "high", "normal", "low"))),
        escalated=draw(st.booleans()), qa_score=draw(st.one_of(st.none(), st.integers(0, 100).map(float))),
        csat=draw(st.one_of(st.none(), st.integers(1, 5))),
    )


KEYS = [(source, f"{source[0]}{i}") for source in ("salesforce", "canonical") for i in range(6)]


@st.composite
def load(draw):
    """("tickets", [rows]) for a ticket file (new keys and new versions of existing ones alike) or
    ("milestones", [(case_id, completed offset minutes)]) for a Salesforce milestone extract."""
    if draw(st.integers(0, 3)) == 0:
        cases = draw(st.lists(st.tuples(st.sampled_from([k[1] for k in KEYS if k[0] == "salesforce"]),
                                        st.integers(0, SPAN_MINUTES + 6000)), min_size=1, max_size=4))
        return "milestones", cases
    keys = draw(st.lists(st.sampled_from(KEYS), min_size=1, max_size=3, unique=True))
    return "tickets", [draw(ticket_version(k)) for k in keys]


def apply_load(con, load_run_id: int, kind: str, payload) -> None:
    con.execute("INSERT INTO load_runs VALUES (?, 'f', 'f', ?, ?, 1, 1, 0, 0, 0, 0, now(), now(), 'loaded', 'UTC', 1)",
                [load_run_id, f"sha{load_run_id}", kind])
    if kind == "milestones":
        con.executemany("INSERT INTO case_milestones VALUES ('salesforce', ?, 'First Response', ?, NULL, NULL, ?)",
                        [[case_id, BASE + dt.timedelta(minutes=m), load_run_id] for case_id, m in payload])
    else:
        rows = [{**r, "load_run_id": load_run_id} for r in payload]
        con.executemany("DELETE FROM tickets WHERE source = ? AND ticket_id = ?",
                        [[r["source"], r["ticket_id"]] for r in rows])
        insert_tickets(con, rows)
    # as the pipeline does after Salesforce loads of either kind
    apply_first_responses(con)


def mart_contents(con) -> dict[str, list[tuple]]:
    out = {}
    for name in MART_TABLES:
        rows = con.execute(f"SELECT * FROM {name}").fetchall()
        out[name] = sorted(rows, key=lambda r: tuple((v is None, str(v)) for v in r))
    return out


QUERIES = [
    MetricQuery("inflow", grain="day", by=("region",)),
    MetricQuery("backlog", grain="week", by=("priority",)),
    MetricQuery("backlog_age_gt_7d", grain="day"),
    MetricQuery("sla_frt_attainment", grain="month", by=("region", "priority")),
    MetricQuery("frt_p90", grain="week"),
    MetricQuery("ttr_p50", grain="month", by=("region",)),
    MetricQuery("solved", grain="day", by=("language",)),
    MetricQuery("qa_avg", grain="month"),
]


@SETTINGS
# always tried: a ticket moved out of a month's last week leaves age-band crossings in the next month
@example(loads=[("tickets", [ticket("2026-05-10 10:00", source="salesforce", ticket_id="s0")])], tz="UTC",
         seed=[("tickets", [ticket("2026-03-28 10:00", source="salesforce", ticket_id="s0")])], pin_as_of=True)
@given(loads=st.lists(load(), min_size=1, max_size=6), tz=st.sampled_from(ZONES),
       seed=st.lists(load(), min_size=1, max_size=2), pin_as_of=st.booleans())
def test_update_after_each_load_equals_a_full_rebuild(loads, tz, seed, pin_as_of):
    config = cfg(tz)
    incremental, rebuilt = connect_memory(), connect_memory()
    load_run_id = 0
    if pin_as_of:
        # a ticket later than any load: as_of stays put, so only the loaded tickets' own months
        # change (the other case, as_of moving, also rebuilds months of targets it passes)
        seed = [("tickets", [ticket("2026-09-01 00:00", source="canonical", ticket_id="pin",
                                    first_response_at="2026-09-01 00:10")]), *seed]
    for kind, payload in seed:       # a warehouse with marts before the first update
        load_run_id += 1
        for con in (incremental, rebuilt):
            apply_load(con, load_run_id, kind, payload)
    build_marts(incremental, config)
    n_tickets = incremental.execute("SELECT count(*) FROM tickets").fetchall()[0][0]
    for kind, payload in loads:
        load_run_id += 1
        for con in (incremental, rebuilt):
            apply_load(con, load_run_id, kind, payload)
        result = update_marts(incremental, config, [load_run_id])
        build_marts(rebuilt, config)
        if n_tickets:
            # the property is about the incremental path: it must have been taken
            assert result["mode"] == "incremental", result["reason"]
        n_tickets = incremental.execute("SELECT count(*) FROM tickets").fetchall()[0][0]
        assert mart_is_current(incremental, config)
        assert mart_contents(incremental) == mart_contents(rebuilt)
        for query in QUERIES:
            pd.testing.assert_frame_equal(run_query(incremental, query, config), run_query(rebuilt, query, config),
                                          obj=query.metric)


def _warehouse_with_marts(config):
    con = connect_memory()
    # both answered: no first-response target is left to pass as_of later
    apply_load(con, 1, "tickets", [ticket("2026-03-30 10:00", ticket_id="a", first_response_at="2026-03-30 11:00"),
                                   ticket("2026-04-02 10:00", ticket_id="b", region="BR",
                                          first_response_at="2026-04-02 11:00")])
    build_marts(con, config)
    return con


def test_moving_a_ticket_to_another_month_rebuilds_both_months():
    config = cfg("UTC")
    con = _warehouse_with_marts(config)
    apply_load(con, 2, "tickets", [ticket("2026-05-03 10:00", ticket_id="a", resolved_at="2026-07-01 09:00")])
    result = update_marts(con, config, [2])
    # a's old creation month (March) and that of its age-band crossings (April), its new creation
    # month (May) and resolution month (July); June holds none of its events
    assert result["mode"] == "incremental"
    assert result["months"] == ["2026-03", "2026-04", "2026-05", "2026-07"]
    assert con.execute("SELECT count(*) FROM mart_daily WHERE day < '2026-04-01'").fetchall()[0][0] == 0


@pytest.mark.parametrize("change, reason", [
    (lambda con, config: (con.execute("DROP TABLE mart_daily_core"), config)[1], "mart missing"),
    (lambda con, config: (con.execute("DROP TABLE mart_meta"), config)[1], "no mart_meta"),
    (lambda con, config: cfg("Europe/Berlin"), "reporting_timezone"),
    (lambda con, config: cfg("UTC", sla_frt_minutes={"urgent": 1, "high": 240, "normal": 1440, "low": 4320}),
     "sla_frt_minutes"),
    # a load the caller did not name (e.g. an `ingest` between refreshes)
    (lambda con, config: (apply_load(con, 3, "tickets", [ticket("2026-04-05 10:00", ticket_id="c")]), config)[1],
     "loads other than"),
    (lambda con, config: (con.execute("ALTER TABLE mart_ticket_facts DROP COLUMN resolved_day"), config)[1],
     "layout"),
    (lambda con, config: dataclasses.replace(config, max_incremental_months=0), "months touched"),
])
def test_falls_back_to_a_full_build_when_not_safe(change, reason):
    config = cfg("UTC")
    con = _warehouse_with_marts(config)
    apply_load(con, 2, "tickets", [ticket("2026-04-03 10:00", ticket_id="b", region="DE")])
    config = change(con, config)
    result = update_marts(con, config, [2])
    assert result["mode"] == "full" and reason in result["reason"]
    assert mart_is_current(con, config)
    reference = connect_memory()
    for table in ("tickets", "load_runs", "case_milestones"):
        reference.register("frame", con.execute(f"SELECT * FROM {table}").df())
        reference.execute(f"INSERT INTO {table} SELECT * FROM frame")
        reference.unregister("frame")
    build_marts(reference, config)
    assert mart_contents(con) == mart_contents(reference)


def test_no_loads_and_current_marts_rebuild_nothing():
    config = cfg("UTC")
    con = _warehouse_with_marts(config)
    before = mart_contents(con)
    result = update_marts(con, config, [])
    assert result == {"mode": "incremental", "reason": "", "months": [], "rows": result["rows"]}
    assert mart_contents(con) == before and mart_is_current(con, config)


def test_a_target_passing_the_new_as_of_rebuilds_that_tickets_month():
    # "m" (low priority, unanswered) has its 72 h target on 2026-04-03 23:00, after as_of
    # (2026-03-31 23:00): not decided. A load touching only January and April moves as_of to
    # 2026-04-05: m's March cell becomes decided although m itself did not change.
    config = cfg("UTC")
    con = connect_memory()
    apply_load(con, 1, "tickets", [ticket("2026-03-31 23:00", ticket_id="m", priority="low")])
    build_marts(con, config)
    decided = "SELECT sum(n_sla_decided) FROM mart_daily WHERE day = '2026-03-31'"
    assert con.execute(decided).fetchall()[0][0] == 0
    apply_load(con, 2, "tickets", [ticket("2026-01-10 10:00", ticket_id="j", first_response_at="2026-01-10 11:00",
                                          resolved_at="2026-04-05 10:00")])
    result = update_marts(con, config, [2])
    assert result["mode"] == "incremental"
    assert result["months"] == ["2026-01", "2026-03", "2026-04"]
    assert con.execute(decided).fetchall()[0][0] == 1
