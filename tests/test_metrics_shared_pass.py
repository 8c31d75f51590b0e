"""run_queries: metrics of one shared pass (percentiles of one measure; counts, ratios and backlog over
one set of cells) computed in one statement give exactly run_query's frames (from tickets and from the
marts, by dimensions, over windows with the previous one, with filters)."""
from __future__ import annotations

import pandas as pd
import pytest

from metrics.marts import build_marts
from metrics.periods import WINDOW
from metrics.query import MetricQuery, run_queries, run_query
from metrics.scorecards import SCORECARD_METRICS, scorecard_column, scorecard_columns
from tests.metrics_fixtures import cfg, day, flow_tickets, sla_tickets, warehouse


@pytest.fixture(scope="module", params=["tickets", "marts"])
def con(request):
    c = warehouse(sla_tickets() + flow_tickets())
    if request.param == "marts":
        build_marts(c, cfg())
    yield c
    c.close()


def queries(**kw) -> list[MetricQuery]:
    names = ("frt_p50", "inflow", "frt_p90", "ttr_p90", "frt_p90", "ttr_p50", "sla_frt_attainment", "backlog",
             "escalation_rate", "backlog_age_gt_7d", "high_profile_inflow", "solved", "inflow", "qa_avg",
             "category_share", "csat_avg", "reopen_rate", "backlog_age_lt_1d")
    return [MetricQuery(n, **kw) for n in names]


@pytest.mark.parametrize("kw", [
    dict(grain="day", date_from=day("2026-03-01"), date_to=day("2026-03-10")),
    dict(grain="day", by=("region",), date_from=day("2026-03-01"), date_to=day("2026-03-10")),
    dict(grain="week", by=("vendor",), filters=(("priority", ("high", "urgent")),)),
    dict(grain=WINDOW, date_from=day("2026-03-05"), date_to=day("2026-03-10"), compare="previous"),
    dict(grain=WINDOW, by=("vendor",), date_from=day("2026-03-05"), date_to=day("2026-03-10"), compare="previous"),
])
def test_grouped_percentiles_equal_one_query_each(con, kw):
    grouped = run_queries(con, queries(**kw), cfg())
    for query, frame in zip(queries(**kw), grouped):
        pd.testing.assert_frame_equal(frame, run_query(con, query, cfg()), check_exact=False, rtol=1e-12)


def test_scorecard_columns_equal_one_column_each(con):
    together = scorecard_columns(con, cfg(), SCORECARD_METRICS, day("2026-03-01"), day("2026-03-10"))
    for name, frame in zip(SCORECARD_METRICS, together):
        alone = scorecard_column(con, cfg(), name, day("2026-03-01"), day("2026-03-10"))
        pd.testing.assert_frame_equal(frame.reset_index(drop=True), alone.reset_index(drop=True))
