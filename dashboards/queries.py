"""The dashboards' calls into the metrics layer, shaped `fn(con, config, *args)` for DataAccess.read.

No SQL here: every number comes from metrics/, so a page never disagrees with the CLI or the
report. Arguments are hashable (Filters, tuples, dates) because they form the cache key.
"""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pandas as pd

from dashboards.filters import Filters
from metrics import query as mq
from metrics import scorecards, ticket_listing
from metrics.registry import METRICS
from core.config import Config


def as_of_date(con, config: Config) -> dt.date | None:
    stamp = mq.as_of(con)
    if stamp is None:
        return None
    stamp = pd.Timestamp(stamp)
    if stamp.tzinfo is not None:
        stamp = stamp.tz_convert(ZoneInfo(config.reporting_timezone))
    return stamp.date()


def as_of_stamp(con, config: Config):
    return mq.as_of(con)


def series(con, config: Config, metric: str, filters: Filters, grain: str = "day",
           by: tuple[str, ...] = (), compare: str | None = None) -> pd.DataFrame:
    q = mq.MetricQuery(metric=metric, grain=grain, by=tuple(by), filters=filters.metric_filters(),
                       date_from=filters.date_from, date_to=filters.date_to, compare=compare)
    return mq.run_query(con, q, config)


def kpis(con, config: Config, filters: Filters, metrics: tuple[str, ...] | None = None) -> pd.DataFrame:
    """kpi_summary for the filter window; `metrics` (a tuple: part of the cache key) limits it."""
    return scorecards.kpi_summary(con, config, filters.date_from, filters.date_to, filters.metric_filters(),
                                  metrics=metrics)


def scorecard_column(con, config: Config, filters: Filters, metric: str) -> pd.DataFrame:
    """One column of the vendor scorecard (see scorecards.merge_scorecard), to be read beside the others."""
    return scorecards.scorecard_column(con, config, metric, filters.date_from, filters.date_to,
                                       filters.metric_filters())


def breach_risk(con, config: Config, filters: Filters) -> pd.DataFrame:
    return ticket_listing.breach_risk_tickets(con, config, filters.metric_filters())


def tickets_page(con, config: Config, filters: Filters, sort: tuple[tuple[str, str], ...],
                 offset: int, limit: int, open_on=None, open_age: str | None = None) -> tuple[pd.DataFrame, int]:
    """Tickets created in the filter window, or (`open_on`, a date) those open at that day's end,
    in one backlog age band (`open_age`) when given."""
    return ticket_listing.ticket_rows(con, config, filters.metric_filters(), filters.date_from, filters.date_to,
                               sort=sort, offset=offset, limit=limit, open_at_end_of=open_on, open_age=open_age)


def dimension_options(con, config: Config, dim: str) -> list[str]:
    return list(mq.dimension_values(con, dim))


def metric_info(name: str):
    return METRICS[name]


def window(con, config: Config, metric: str, filters: Filters, by: tuple[str, ...] = ()) -> pd.DataFrame:
    """One metric over the whole filter window as a single period, per `by` values."""
    return scorecards.window_value(con, config, metric, filters.date_from, filters.date_to,
                                   filters.metric_filters(), by=tuple(by))


def targets(config: Config) -> dict[str, float]:
    """The same targets kpi_summary reports (config [metrics.targets])."""
    return config.metric_targets


def ticket_sample(con, config: Config, metric_filters: tuple, date_from: dt.date, date_to: dt.date,
                  limit: int) -> tuple[pd.DataFrame, int]:
    """First tickets of a slice given directly as metrics filters (may name dims the bar lacks, e.g. queue)."""
    return ticket_listing.ticket_rows(con, config, metric_filters, date_from, date_to, offset=0, limit=limit)
