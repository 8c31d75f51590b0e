"""Whole-window summaries built from run_query, so a tile or scorecard never disagrees with a chart."""
from __future__ import annotations

import datetime as dt
import math

import duckdb
import pandas as pd

from metrics.errors import InvalidQuery
from metrics.facts import Extent, as_of, extent
from metrics.periods import WINDOW, local_date
from metrics.query import SNAPSHOT_METRICS, MetricQuery, run_queries, run_query
from metrics.registry import METRICS
from core.config import Config

# category_share needs a category to be a share of, so it has no single whole-window number.
KPI_METRICS = tuple(name for name in METRICS if name != "category_share")
SCORECARD_METRICS = ("inflow", "frt_p50", "frt_p90", "sla_frt_attainment", "reopen_rate",
                     "escalation_rate", "qa_avg", "csat_avg", "backlog")


def window_value(con, config: Config, metric: str, date_from: dt.date, date_to: dt.date,
                 filters=(), by: tuple[str, ...] = (), facts: Extent | None = None) -> pd.DataFrame:
    """One metric over [date_from, date_to] as a single period (backlog: at the window's end)."""
    query = MetricQuery(metric, grain=WINDOW, by=by, filters=tuple(filters),
                        date_from=date_from, date_to=date_to)
    return run_query(con, query, config, facts=facts)


def kpi_summary(con: duckdb.DuckDBPyConnection, config: Config, date_from: dt.date, date_to: dt.date,
                filters=(), metrics: tuple[str, ...] | None = None) -> pd.DataFrame:
    """One row per metric: metric, value, n, previous_value (the equal-length window before), target.

    `metrics` picks which of KPI_METRICS to compute (default: all of them), rows in the order
    given; each costs one query for both windows (breach_risk, a snapshot at as_of: two).
    Targets come from the optional config table [metrics.targets] (e.g. sla_frt_attainment = 0.95);
    NaN where none is set. The high-profile view is filters=(("high_profile", ("true",)),).
    """
    _check_range(date_from, date_to)
    names = _kpi_names(metrics)
    targets = config.metric_targets
    facts = extent(con)     # one look at the warehouse's extent for all the queries below
    # both windows in one query per metric; percentiles of one measure (p50, p90) in one pass
    windowed = [n for n in names if n not in SNAPSHOT_METRICS]
    frames = dict(zip(windowed, run_queries(con, [
        MetricQuery(n, grain=WINDOW, filters=tuple(filters), date_from=date_from, date_to=date_to,
                    compare="previous") for n in windowed], config, facts=facts)))
    rows = []
    for name in names:
        if name in frames:
            both = frames[name]
            value, n, previous = _single(both, "value"), int(_single(both, "n", 0)), _single(both, "previous_value")
        else:
            value, n, previous = _window_and_previous(con, config, name, date_from, date_to, filters, facts)
        rows.append({"metric": name, "value": value, "n": n, "previous_value": previous,
                     "target": float(targets.get(name, math.nan))})
    return pd.DataFrame(rows, columns=["metric", "value", "n", "previous_value", "target"])


def _kpi_names(metrics) -> tuple[str, ...]:
    if metrics is None:
        return KPI_METRICS
    names = (metrics,) if isinstance(metrics, str) else tuple(metrics)
    unknown = [m for m in names if m not in KPI_METRICS]
    if unknown:
        raise InvalidQuery(f"no whole-window KPI for {', '.join(unknown)}; valid: {', '.join(KPI_METRICS)}")
    return tuple(dict.fromkeys(names))


def _window_and_previous(con, config: Config, name: str, date_from: dt.date, date_to: dt.date,
                         filters, facts: Extent) -> tuple[float, int, float]:
    """(value, n, previous window's value) of a snapshot metric: it lands in whichever window holds
    as_of, so each window is asked on its own."""
    length = date_to - date_from + dt.timedelta(days=1)
    now = window_value(con, config, name, date_from, date_to, filters, facts=facts)
    before = window_value(con, config, name, date_from - length, date_from - dt.timedelta(days=1), filters,
                          facts=facts)
    return _single(now, "value"), int(_single(now, "n", 0)), _single(before, "value")


def vendor_scorecard(con: duckdb.DuckDBPyConnection, config: Config, date_from: dt.date, date_to: dt.date,
                     filters=()) -> pd.DataFrame:
    """One row per vendor: inflow, frt_p50, frt_p90, sla_frt_attainment, reopen_rate,
    escalation_rate, qa_avg, csat_avg over tickets created in the window, and backlog at its end."""
    _check_range(date_from, date_to)
    facts = extent(con)
    return merge_scorecard({name: scorecard_column(con, config, name, date_from, date_to, filters, facts)
                            for name in SCORECARD_METRICS})


def scorecard_column(con: duckdb.DuckDBPyConnection, config: Config, name: str, date_from: dt.date,
                     date_to: dt.date, filters=(), facts: Extent | None = None) -> pd.DataFrame:
    """One of SCORECARD_METRICS by vendor over the window: columns vendor, value."""
    _check_range(date_from, date_to)
    frame = window_value(con, config, name, date_from, date_to, filters, by=("vendor",), facts=facts)
    return frame[["vendor", "value"]]


def scorecard_columns(con: duckdb.DuckDBPyConnection, config: Config, names: tuple[str, ...], date_from: dt.date,
                      date_to: dt.date, filters=(), facts: Extent | None = None) -> list[pd.DataFrame]:
    """scorecard_column of each of `names`; FRT p50 and p90 by vendor in one pass."""
    _check_range(date_from, date_to)
    queries = [MetricQuery(n, grain=WINDOW, by=("vendor",), filters=tuple(filters), date_from=date_from,
                           date_to=date_to) for n in names]
    return [f[["vendor", "value"]] for f in run_queries(con, queries, config, facts=facts)]


def merge_scorecard(columns: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The scorecard from its columns ({metric: scorecard_column(...)}, every SCORECARD_METRICS
    name), so that a caller may read the columns at once on several connections."""
    # one outer join of all the columns on vendor (eight pairwise merges cost ~20 ms a scorecard)
    merged = pd.concat([columns[name].set_index("vendor")["value"].rename(name) for name in SCORECARD_METRICS],
                       axis=1, join="outer")
    merged = merged.rename_axis("vendor").reset_index().fillna({"inflow": 0.0, "backlog": 0.0})
    merged["inflow"] = merged["inflow"].astype("int64")
    merged["backlog"] = merged["backlog"].astype("int64")
    return merged.sort_values("vendor", kind="stable").reset_index(drop=True)[["vendor", *SCORECARD_METRICS]]


def _single(frame: pd.DataFrame, column: str, default=math.nan):
    if frame.empty:
        return default
    value = frame[column].iloc[0]
    return default if pd.isna(value) else float(value)


def _check_range(date_from, date_to) -> None:
    if date_from is None or date_to is None:
        raise InvalidQuery("a summary needs both a start and an end date")
    if date_to < date_from:
        raise InvalidQuery(f"end date {date_to} is before start date {date_from}")


def default_range(con, config: Config, days: int = 7) -> tuple[dt.date, dt.date] | None:
    """The last `days` local days up to as_of (the default window of scorecards and tiles)."""
    moment = as_of(con)
    if moment is None:
        return None
    end = local_date(con, config.reporting_timezone, moment)
    return end - dt.timedelta(days=days - 1), end
