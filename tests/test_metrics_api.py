"""Errors that list the valid choices, scorecards, KPI tiles and the ticket drill-down."""
from __future__ import annotations

import math

import pytest

from metrics.errors import UnknownDimension, UnknownFilterValue, UnknownGrain, UnknownMetric
from metrics.query import MetricQuery, dimension_values, run_query
from metrics.registry import DIMENSIONS, METRICS
from metrics.scorecards import kpi_summary, vendor_scorecard
from metrics.ticket_listing import ticket_rows
from core.errors import InputError
from tests.metrics_fixtures import cfg, day, flow_tickets, sla_tickets, ticket, warehouse


@pytest.fixture(scope="module")
def con():
    c = warehouse(sla_tickets() + flow_tickets())
    yield c
    c.close()


@pytest.mark.parametrize("query, error, listed", [
    (MetricQuery("inflw"), UnknownMetric, "sla_frt_attainment"),
    (MetricQuery("inflow", by=("country",)), UnknownDimension, "abuse_category"),
    (MetricQuery("inflow", filters=(("country", ("BR",)),)), UnknownDimension, "region"),
    (MetricQuery("inflow", filters=(("region", ("XX",)),)), UnknownFilterValue, "BR, US"),
    (MetricQuery("inflow", filters=(("high_profile", ("yes",)),)), UnknownFilterValue, "false, true"),
    (MetricQuery("inflow", grain="year"), UnknownGrain, "hour, day, week, month"),
])
def test_unknown_names_list_valid_ones(con, query, error, listed):
    with pytest.raises(error) as info:
        run_query(con, query, cfg())
    assert issubclass(error, InputError)
    assert listed in str(info.value)


def test_bad_date_range_is_an_input_error(con):
    with pytest.raises(InputError, match="before"):
        run_query(con, MetricQuery("inflow", date_from=day("2026-03-05"), date_to=day("2026-03-01")), cfg())


def test_filter_values_are_bound_not_spliced(con):
    with pytest.raises(UnknownFilterValue):
        run_query(con, MetricQuery("inflow", filters=(("region", ("BR') OR 1=1 --",)),)), cfg())


def test_dimension_values(con):
    assert dimension_values(con, "region") == ["BR", "US"]
    assert dimension_values(con, "vendor") == ["acme", "beta", "in_house"]
    assert dimension_values(con, "high_profile") == ["false", "true"]
    with pytest.raises(UnknownDimension):
        dimension_values(con, "reporter_hash")


def test_registry_is_complete():
    for name, metric in METRICS.items():
        assert metric.name == name and metric.description and metric.unit
        assert metric.direction in ("higher", "lower", "neutral")
    assert set(DIMENSIONS) >= {"region", "vendor", "abuse_category", "high_profile"}


def test_vendor_scorecard():
    # sla fixture only: acme = s1 s2 s3 s7, beta = s4 s5 s6
    c = warehouse(sla_tickets())
    card = vendor_scorecard(c, cfg(), day("2026-03-10"), day("2026-03-10"))
    acme, beta = card.to_dict("records")
    assert (acme["vendor"], acme["inflow"], acme["backlog"]) == ("acme", 4, 2)   # s3 s7 open
    assert acme["frt_p50"] == pytest.approx(60.0) and acme["frt_p90"] == pytest.approx(60.8)
    assert acme["sla_frt_attainment"] == pytest.approx(2 / 3)                   # s7 undecided
    assert acme["reopen_rate"] == pytest.approx(0.5) and acme["escalation_rate"] == pytest.approx(0.5)
    assert acme["qa_avg"] == pytest.approx(80.0) and acme["csat_avg"] == pytest.approx(3.5)
    assert (beta["vendor"], beta["inflow"], beta["backlog"]) == ("beta", 3, 3)
    assert beta["sla_frt_attainment"] == 0.0 and math.isnan(beta["frt_p50"]) and math.isnan(beta["qa_avg"])


def test_kpi_summary_with_previous_window_and_high_profile_view():
    c = warehouse(flow_tickets())
    config = cfg(metric_targets={"sla_frt_attainment": 0.95})
    kpi = kpi_summary(c, config, day("2026-03-03"), day("2026-03-04")).set_index("metric")
    # window 03-03..03-04: inflow t4; previous window 03-01..03-02: t1 t2 t6
    assert kpi.loc["inflow", ["value", "n", "previous_value"]].tolist() == [1.0, 1, 3.0]
    assert kpi.loc["backlog", "value"] == 4.0 and kpi.loc["backlog", "previous_value"] == 4.0
    assert kpi.loc["sla_frt_attainment", "target"] == 0.95 and math.isnan(kpi.loc["inflow", "target"])
    hp = kpi_summary(c, cfg(), day("2026-03-03"), day("2026-03-04"),
                     filters=(("high_profile", ("true",)),)).set_index("metric")
    assert hp.loc["backlog", "value"] == 1.0 and hp.loc["inflow", "value"] == 0.0   # only t5


def test_ticket_rows_pages_and_counts(con):
    page, total = ticket_rows(con, cfg(), filters=(("vendor", ("acme",)),), limit=2,
                              sort=(("created_at", "asc"),))
    assert total == 4
    assert page["ticket_id"].tolist() == ["s1", "s2"]      # s2 and s3 tie on created_at: ticket_id breaks it
    page2, _ = ticket_rows(con, cfg(), filters=(("vendor", ("acme",)),), limit=2, offset=2,
                           sort=(("created_at", "asc"),))
    assert page2["ticket_id"].tolist() == ["s3", "s7"]
    assert "reporter_hash" not in page.columns
    _, in_window = ticket_rows(con, cfg(), date_from=day("2026-03-01"), date_to=day("2026-03-03"))
    assert in_window == 4                                    # t1 t2 t6 t4
    with pytest.raises(InputError, match="sortable"):
        ticket_rows(con, cfg(), sort=(("reporter_hash", "asc"),))


def test_ticket_rows_dates_are_local_days():
    c = warehouse([ticket("2026-03-02 02:00"), ticket("2026-03-02 04:00")])
    _, n = ticket_rows(c, cfg("America/Sao_Paulo"), date_from=day("2026-03-01"), date_to=day("2026-03-01"))
    assert n == 1


@pytest.mark.parametrize("tz, end_of, filters, expected", [
    # flow fixture: t2 resolved exactly at the end of 03-02 and t6 created exactly at midnight 03-02
    ("UTC", "2026-03-01", (), ["t2", "t3", "t5"]),
    ("UTC", "2026-03-02", (), ["t2", "t3", "t5", "t6"]),           # resolved at the end = still open then
    ("UTC", "2026-03-02", (("region", ("BR",)),), ["t2", "t5"]),
    ("UTC", "2026-03-05", (), ["t3", "t4", "t5"]),                  # t6 resolved exactly at 03-05 00:00
    ("America/Sao_Paulo", "2026-03-01", (), ["t2", "t3", "t5", "t6"]),   # local end = 03-02 03:00 UTC
])
def test_ticket_rows_open_at_the_end_of_a_day(tz, end_of, filters, expected):
    c = warehouse(flow_tickets())
    page, total = ticket_rows(c, cfg(tz), filters=filters, open_at_end_of=day(end_of),
                              date_from=day("2026-03-03"), date_to=day("2026-03-03"),   # ignored then
                              sort=(("ticket_id", "asc"),))
    assert (page["ticket_id"].tolist(), total) == (expected, len(expected))


@pytest.mark.parametrize("tz", ["UTC", "America/Sao_Paulo"])
@pytest.mark.parametrize("filters", [(), (("region", ("BR",)),), (("high_profile", ("true",)),),
                                     (("vendor", ("acme",)),)])
def test_the_tickets_open_at_a_days_end_are_that_days_backlog(con, tz, filters):
    """Drilling from a backlog point lists exactly the tickets the backlog counted, every day."""
    series = run_query(con, MetricQuery("backlog", grain="day", filters=filters, date_from=day("2026-02-26"),
                                        date_to=day("2026-03-11")), cfg(tz))
    assert series["value"].sum() > 0
    for period_start, value in zip(series["period_start"], series["value"]):
        _, total = ticket_rows(con, cfg(tz), filters=filters, open_at_end_of=period_start.date())
        assert total == value, period_start


@pytest.mark.parametrize("band, expected", [
    # open at the end of 03-02 (03-03 00:00 UTC): t6 is exactly 24 h old then, which the backlog
    # counts as aged 1 day (created_at + 24 h <= end)
    ("lt_1d", []), ("1_3d", ["t2", "t6"]), ("3_7d", ["t3"]), ("gt_7d", ["t5"]),
])
def test_ticket_rows_open_in_one_age_band(band, expected):
    c = warehouse(flow_tickets())
    page, total = ticket_rows(c, cfg(), open_at_end_of=day("2026-03-02"), open_age=band, sort=(("ticket_id", "asc"),))
    assert (page["ticket_id"].tolist(), total) == (expected, len(expected))


@pytest.mark.parametrize("open_at_end_of, open_age", [(None, "1_3d"), (day("2026-03-02"), "2_4d")])
def test_an_age_band_needs_a_known_band_and_its_day(con, open_at_end_of, open_age):
    with pytest.raises(InputError, match="lt_1d, 1_3d, 3_7d, gt_7d"):
        ticket_rows(con, cfg(), open_at_end_of=open_at_end_of, open_age=open_age)


@pytest.mark.parametrize("tz", ["UTC", "America/Sao_Paulo"])
@pytest.mark.parametrize("band", ["lt_1d", "1_3d", "3_7d", "gt_7d"])
def test_the_tickets_open_in_an_age_band_are_that_bands_backlog(con, tz, band):
    series = run_query(con, MetricQuery(f"backlog_age_{band}", grain="day", date_from=day("2026-02-18"),
                                        date_to=day("2026-03-11")), cfg(tz))
    assert series["value"].sum() > 0
    for period_start, value in zip(series["period_start"], series["value"]):
        _, total = ticket_rows(con, cfg(tz), open_at_end_of=period_start.date(), open_age=band)
        assert total == value, period_start
