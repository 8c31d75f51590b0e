"""Every read a page makes, by name: `READS[name].fn(con, config, *args)`.

A panel or callback asks `DataAccess.read(name, *args)`; the cache keys on the name, the
arguments and the warehouse version, so this table is the whole list of what the pages can ask
the warehouse and where each answer comes from. No SQL here: every number is computed below the
pages (metrics/, anomaly/), so a page never disagrees with the CLI or the report. Arguments are
hashable (Filters, tuples, dates) because they form the cache key.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any, Callable
from zoneinfo import ZoneInfo

import pandas as pd

from core.config import Config
from dashboards import anomaly_data
from dashboards.auth.errors import Forbidden
from dashboards.auth.roles import Scope
from dashboards.filters import Filters
from metrics import load_health, scorecards, ticket_listing
from metrics import query as mq
from metrics import show as metric_show

LOAD_RUN_LIMIT = 200
REJECTED_SAMPLE_LIMIT = 100


def _same(_scope: Scope, value: Any) -> Any:
    return value


@dataclass(frozen=True)
class Read:
    fn: Callable[..., Any]      # fn(con, config, *args)
    # (scope, args) -> the arguments to run under that scope; raises Forbidden when it may not
    scope: Callable[[Scope, tuple], tuple]
    # False when the answer depends on more than the warehouse file (the triage store, the clock)
    cached: bool = True
    # (scope, answer) -> what of the answer the scope may see
    keep: Callable[[Scope, Any], Any] = _same


# ---- scope policies -----------------------------------------------------------------------

def no_rows(_scope: Scope, args: tuple) -> tuple:
    """The answer holds no ticket rows (the data's as_of): the same for every scope."""
    return args


def checked_after(_scope: Scope, args: tuple) -> tuple:
    """Asked by id: the read's `keep` drops the answer when it lies outside the scope."""
    return args


def full_scope_only(scope: Scope, args: tuple) -> tuple:
    """Rows from every vendor with no vendor column to filter on (rejected raw records, load runs)."""
    if not scope.is_full:
        raise Forbidden("this page is not available to vendor accounts")
    return args


def scoped_filters(scope: Scope, filters: Filters) -> Filters:
    if scope.is_full:
        return filters
    if filters.vendor and filters.vendor != (scope.vendor,):
        raise Forbidden(f"this account sees vendor {scope.vendor} only")
    return filters.with_values(vendor=(scope.vendor,))


def scoped_metric_filters(scope: Scope, metric_filters: tuple) -> tuple:
    if scope.is_full:
        return metric_filters
    for dim, values in metric_filters:
        values = (values,) if isinstance(values, str) else values
        if dim == "vendor" and any(str(v) != scope.vendor for v in values):
            raise Forbidden(f"this account sees vendor {scope.vendor} only")
    return tuple((d, v) for d, v in metric_filters if d != "vendor") + (("vendor", (scope.vendor,)),)


def filters_at(index: int) -> Callable[[Scope, tuple], tuple]:
    """The policy of a read whose argument `index` is a Filters."""
    def policy(scope: Scope, args: tuple) -> tuple:
        if len(args) <= index or not isinstance(args[index], Filters):
            raise TypeError(f"argument {index} must be Filters")
        return args[:index] + (scoped_filters(scope, args[index]),) + args[index + 1:]
    return policy


def metric_filters_at(index: int) -> Callable[[Scope, tuple], tuple]:
    def policy(scope: Scope, args: tuple) -> tuple:
        return args[:index] + (scoped_metric_filters(scope, tuple(args[index])),) + args[index + 1:]
    return policy


def query_at(index: int) -> Callable[[Scope, tuple], tuple]:
    """The policy of a read whose argument `index` is a metrics MetricQuery (the read API)."""
    def policy(scope: Scope, args: tuple) -> tuple:
        query = args[index]
        scoped = replace(query, filters=scoped_metric_filters(scope, tuple(query.filters)))
        return args[:index] + (scoped,) + args[index + 1:]
    return policy


def alerts_of_scope(scope: Scope, frame: pd.DataFrame) -> pd.DataFrame:
    """A vendor account sees only alerts on its own vendor's series: a series across vendors
    (category x region) counts other vendors' tickets."""
    if scope.is_full or frame is None or frame.empty:
        return frame
    keep = [str(anomaly_data.alert_dims(r).get("vendor")) == scope.vendor for r in frame.to_dict("records")]
    return frame[keep].reset_index(drop=True)


def alert_of_scope(scope: Scope, detail: dict | None) -> dict | None:
    if scope.is_full or detail is None:
        return detail
    return detail if str((detail.get("dims") or {}).get("vendor")) == scope.vendor else None


def dimension_options(con, config: Config, dim: str, vendor: str | None = None) -> list[str]:
    values = list(mq.dimension_values(con, dim))
    return [v for v in values if v == vendor] if vendor is not None and dim == "vendor" else values


def dimension_scope(scope: Scope, args: tuple) -> tuple:
    """The vendor dropdown of a vendor account lists its own vendor only."""
    return (args[0], scope.vendor)


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
    "as_of": Read(lambda con, config: mq.as_of(con), no_rows),
    "as_of_date": Read(as_of_date, no_rows),
    "data_dates": Read(lambda con, config: mq.data_days(con, config), no_rows),
    "dimension_options": Read(dimension_options, dimension_scope),
    "series": Read(series, filters_at(1)),
    "kpis": Read(kpis, filters_at(0)),
    "scorecard_column": Read(scorecard_column, filters_at(0)),
    "series_group": Read(series_group, filters_at(1)),
    "scorecard_columns": Read(lambda con, config, filters, names: scorecards.scorecard_columns(
        con, config, names, filters.date_from, filters.date_to, filters.metric_filters()), filters_at(0)),
    "window": Read(window, filters_at(1)),
    # `now` (to the minute) is part of the key: the answer is cached for that minute
    "breach_risk": Read(lambda con, config, filters, now: ticket_listing.breach_risk_tickets(
        con, config, filters.metric_filters(), now=now), filters_at(0)),
    "tickets_page": Read(tickets_page, filters_at(0)),
    "metric_show": Read(metric_show.show, query_at(0)),
    "ticket_sample": Read(ticket_sample, metric_filters_at(0)),
    "anomaly_list": Read(anomaly_data.anomaly_list, filters_at(0), cached=False, keep=alerts_of_scope),
    "anomaly_detail": Read(anomaly_data.anomaly_detail, checked_after, keep=alert_of_scope),
    "load_runs": Read(lambda con, config: load_health.recent_load_runs(con, LOAD_RUN_LIMIT), full_scope_only),
    "rejections_by_reason": Read(lambda con, config: load_health.rejections_by_reason(con), full_scope_only),
    "rejected_sample": Read(lambda con, config: load_health.rejected_sample(con, REJECTED_SAMPLE_LIMIT),
                            full_scope_only),
    # cached per warehouse version (a scan of every ticket): the page recomputes the hours since then
    "source_freshness": Read(lambda con, config: load_health.source_freshness(con), full_scope_only),
    "latest_load_notes": Read(lambda con, config: load_health.latest_load_notes(con), full_scope_only),
}
