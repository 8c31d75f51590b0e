"""Every read a page makes, by name: `READS[name].fn(con, config, *args)`.

A panel or callback asks `DataAccess.read(name, *args)`; the cache keys on the name, the
arguments and the warehouse version, so this table is the whole list of what the pages can ask
the warehouse and where each answer comes from. No SQL here: every number is computed below the
pages (metrics/, anomaly/), so a page never disagrees with the CLI or the report. Arguments are
hashable (Filters, tuples, dates) because they form the cache key.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Callable
from zoneinfo import ZoneInfo

import pandas as pd

from core.config import Config
from dashboards import anomaly_data
from dashboards.filters import Filters
from metrics import load_health, scorecards, ticket_listing
from metrics import query as mq

LOAD_RUN_LIMIT = 200
REJECTED_SAMPLE_LIMIT = 100


@dataclass(frozen=True)
class Read:
    fn: Callable[..., Any]      # fn(con, config, *args)
    # False when the answer depends on more than the warehouse file (the triage store, the clock)
    cached: bool = True


def as_of_date(con, config: Config) -> dt.date | None:
    """The data's latest day in the reporting zone: the end of the default date window."""
    stamp = mq.as_of(con)
    if stamp is None:
        return None
    stamp = pd.Timestamp(stamp)
    if stamp.tzinfo is not None:
        stamp = stamp.tz_convert(ZoneInfo(config.reporting_timezone))
    return stamp.date()


def series(con, config: Config, metric: str, filters: Filters, grain: str = "day",
           by: tuple[str, ...] = (), compare: str | None = None) -> pd.DataFrame:
    q = mq.MetricQuery(metric=metric, grain=grain, by=tuple(by), filters=filters.metric_filters(),
                       date_from=filters.date_from, date_to=filters.date_to, compare=compare)
    return mq.run_query(con, q, config)


def series_group(con, config: Config, metrics: tuple[str, ...], filters: Filters, grain: str = "day",
                 by: tuple[str, ...] = ()) -> list[pd.DataFrame]:
    """`series` of each metric, in order; percentiles of one measure (p50, p90) in one pass."""
    queries = [mq.MetricQuery(metric=m, grain=grain, by=tuple(by), filters=filters.metric_filters(),
                              date_from=filters.date_from, date_to=filters.date_to) for m in metrics]
    return mq.run_queries(con, queries, config)


def kpis(con, config: Config, filters: Filters, metrics: tuple[str, ...] | None = None) -> pd.DataFrame:
    """kpi_summary for the filter window; `metrics` (a tuple: part of the cache key) limits it."""
    return scorecards.kpi_summary(con, config, filters.date_from, filters.date_to, filters.metric_filters(),
                                  metrics=metrics)


def scorecard_column(con, config: Config, filters: Filters, metric: str) -> pd.DataFrame:
    """One column of the vendor scorecard (see scorecards.merge_scorecard), to be read beside the others."""
    return scorecards.scorecard_column(con, config, metric, filters.date_from, filters.date_to,
                                       filters.metric_filters())


def window(con, config: Config, metric: str, filters: Filters, by: tuple[str, ...] = ()) -> pd.DataFrame:
    """One metric over the whole filter window as a single period, per `by` values."""
    return scorecards.window_value(con, config, metric, filters.date_from, filters.date_to,
                                   filters.metric_filters(), by=tuple(by))


def tickets_page(con, config: Config, filters: Filters, sort: tuple[tuple[str, str], ...],
                 offset: int, limit: int, open_on=None, open_age: str | None = None) -> tuple[pd.DataFrame, int]:
    """Tickets created in the filter window, or (`open_on`, a date) those open at that day's end,
    in one backlog age band (`open_age`) when given."""
    return ticket_listing.ticket_rows(con, config, filters.metric_filters(), filters.date_from, filters.date_to,
                                      sort=sort, offset=offset, limit=limit, open_at_end_of=open_on,
                                      open_age=open_age)


def ticket_sample(con, config: Config, metric_filters: tuple, date_from: dt.date, date_to: dt.date,
                  limit: int) -> tuple[pd.DataFrame, int]:
    """First tickets of a slice given directly as metrics filters (may name dims the bar lacks, e.g. queue)."""
    return ticket_listing.ticket_rows(con, config, metric_filters, date_from, date_to, offset=0, limit=limit)


READS: dict[str, Read] = {
    "as_of": Read(lambda con, config: mq.as_of(con)),
    "as_of_date": Read(as_of_date),
    "dimension_options": Read(lambda con, config, dim: list(mq.dimension_values(con, dim))),
    "series": Read(series),
    "kpis": Read(kpis),
    "scorecard_column": Read(scorecard_column),
    "series_group": Read(series_group),
    "scorecard_columns": Read(lambda con, config, filters, names: scorecards.scorecard_columns(
        con, config, names, filters.date_from, filters.date_to, filters.metric_filters())),
    "window": Read(window),
    # `now` (to the minute) is part of the key: the answer is cached for that minute
    "breach_risk": Read(lambda con, config, filters, now: ticket_listing.breach_risk_tickets(
        con, config, filters.metric_filters(), now=now)),
    "tickets_page": Read(tickets_page),
    "ticket_sample": Read(ticket_sample),
    "anomaly_list": Read(anomaly_data.anomaly_list, cached=False),
    "anomaly_detail": Read(anomaly_data.anomaly_detail),
    "load_runs": Read(lambda con, config: load_health.recent_load_runs(con, LOAD_RUN_LIMIT)),
    "rejections_by_reason": Read(lambda con, config: load_health.rejections_by_reason(con)),
    "rejected_sample": Read(lambda con, config: load_health.rejected_sample(con, REJECTED_SAMPLE_LIMIT)),
    # cached per warehouse version (a scan of every ticket): the page recomputes the hours since then
    "source_freshness": Read(lambda con, config: load_health.source_freshness(con)),
}
