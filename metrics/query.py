"""The one query function every consumer uses: (metric, grain, dimensions, filters, dates) -> DataFrame.

A future viewer scope (a vendor sees only its own tickets) is one more filter added here.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

import duckdb
import numpy as np
import pandas as pd

from metrics.errors import InvalidQuery, UnknownFilterValue, UnknownGrain, UnknownMetric
from metrics.dimension_values import dimension_values  # noqa: F401  (part of the API)
from metrics.facts import Extent, as_of, extent  # noqa: F401  (part of the API)
from metrics.compute import compute, compute_group, shared_pass
from metrics.periods import (WINDOW, Window, check_dates, local_date, local_moment, make_window, period_count,
                             period_floor, shift_period, with_previous_window)
from metrics.registry import GRAINS, METRICS
from metrics.sqltext import check_dims
from core.config import Config

COMPARE_MODES = ("previous",)
# Periods one query may materialise (every period is a row, per dimension value): 20 years of
# days, 2 years of hours. A longer window is refused with a message instead of tying a worker up.
MAX_PERIODS = 7_500
SOURCES = ("auto", "tickets", "mart")
_NO_DATA_AS_OF = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
SNAPSHOT_METRICS = tuple(name for name, m in METRICS.items() if m.kind == "snapshot")


@dataclass(frozen=True)
class MetricQuery:
    metric: str
    grain: str = "day"
    by: tuple[str, ...] = ()
    # ((dim, (value, ...)), ...); values as strings ("true"/"false" for high_profile)
    filters: tuple[tuple[str, tuple[str, ...]], ...] = ()
    date_from: dt.date | None = None   # inclusive, in the reporting time zone
    date_to: dt.date | None = None     # inclusive
    compare: str | None = None         # None | "previous"


def run_query(con: duckdb.DuckDBPyConnection, query: MetricQuery, config: Config,
              source: str = "auto", facts: Extent | None = None) -> pd.DataFrame:
    """One row per period x dimension values: period_start, *by, value, n [, previous_value, change].

    source="auto" reads the marts when they were built from this very warehouse state and config
    and the grain is day or coarser: additive metrics from the smallest daily mart that keeps the
    query's dimensions and filters, percentiles from the per-ticket facts mart; otherwise tickets.
    "tickets"/"mart" force one (tests use this to prove both give the same numbers).
    `facts`: extent(con), when a caller running many queries on one connection already has it.
    """
    facts = extent(con) if facts is None else facts
    query = validate(con, query, facts)
    if source not in SOURCES:
        raise InvalidQuery(f"unknown source {source!r}; valid: {', '.join(SOURCES)}")
    if facts.as_of is None:
        if not (query.date_from and query.date_to):
            return empty_frame(query)
        # no tickets, but an explicit window still lists its periods (with 0 where additive)
        facts = Extent(as_of=_NO_DATA_AS_OF, data_start=None, n_tickets=0, load_state=facts.load_state)
    window = resolve_window(con, config, query, facts)
    if query.compare == "previous":
        return _with_previous(con, query, config, window, facts, source)
    return _finish(compute(con, query, config, window, facts, source), query)


def run_queries(con: duckdb.DuckDBPyConnection, queries: list[MetricQuery], config: Config,
                source: str = "auto", facts: Extent | None = None) -> list[pd.DataFrame]:
    """run_query for each query, in order. Queries that differ only in their metric share one
    statement where the metrics allow (compute.shared_pass): percentiles of one measure one sort
    (at 10M tickets that sort is the whole cost of a percentile), counts, ratios and backlog one
    set of cells (each statement costs ~6 ms of planning besides its scan)."""
    facts = extent(con) if facts is None else facts
    results: dict[int, pd.DataFrame] = {}
    groups: dict[MetricQuery, list[int]] = {}
    for i, query in enumerate(queries):
        key = shared_pass(query.metric)
        if key is None:
            results[i] = run_query(con, query, config, source, facts)
        else:
            groups.setdefault(replace(query, metric=key), []).append(i)
    for indexes in groups.values():
        group = [queries[i] for i in indexes]
        if len({q.metric for q in group}) == 1 or facts.as_of is None:
            frames = [run_query(con, q, config, source, facts) for q in group]
        else:
            frames = _run_group(con, group, config, source, facts)
        results.update(zip(indexes, frames))
    return [results[i] for i in range(len(queries))]


def _run_group(con, group: list[MetricQuery], config: Config, source: str, facts: Extent) -> list[pd.DataFrame]:
    """run_query of each of `group` (metrics of one shared_pass key, otherwise equal), in one statement."""
    metrics = tuple(dict.fromkeys(q.metric for q in group))
    query = validate(con, group[0], facts)
    if source not in SOURCES:
        raise InvalidQuery(f"unknown source {source!r}; valid: {', '.join(SOURCES)}")
    window = resolve_window(con, config, query, facts)
    if query.compare == "previous":
        extended = _extended_window(con, config.reporting_timezone, window)
        frames = compute_group(con, query, config, extended, facts, source, metrics)
        first_data = _first_data_moment(con, config.reporting_timezone, facts)
        out = {m: _previous_columns(_finish(f, replace(query, metric=m)), query, window, first_data)
               for m, f in frames.items()}
    else:
        frames = compute_group(con, query, config, window, facts, source, metrics)
        out = {m: _finish(f, replace(query, metric=m)) for m, f in frames.items()}
    return [out[q.metric].copy() for q in group]


def validate(con: duckdb.DuckDBPyConnection, query: MetricQuery, facts: Extent | None = None) -> MetricQuery:
    """Check names against the registry and the allow-list and values against the warehouse."""
    if query.metric not in METRICS:
        raise UnknownMetric(query.metric, tuple(METRICS))
    if query.grain not in GRAINS and query.grain != WINDOW:
        raise UnknownGrain(query.grain, GRAINS)
    check_dims(query.by)
    if len(set(query.by)) != len(query.by):
        raise InvalidQuery(f"dimension listed twice in --by: {', '.join(query.by)}")
    if query.compare is not None and query.compare not in COMPARE_MODES:
        raise InvalidQuery(f"unknown compare mode {query.compare!r}; valid: {', '.join(COMPARE_MODES)}")
    filters = normalize_filters(con, query.filters, facts)
    return replace(query, by=tuple(query.by), filters=filters)


def normalize_filters(con, filters, facts: Extent | None = None) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Merge repeated dimensions (region=BR, region=MX -> region in (BR, MX)); check every value."""
    merged: dict[str, list[str]] = {}
    for dim, values in filters:
        (dim,) = check_dims((dim,))
        if isinstance(values, str):
            values = (values,)
        valid = dimension_values(con, dim, facts)
        for value in values:
            text = str(value).strip().lower() if dim == "high_profile" else str(value)
            if text not in valid:
                raise UnknownFilterValue(dim, str(value), valid)
            if text not in merged.setdefault(dim, []):
                merged[dim].append(text)
    return tuple((dim, tuple(vals)) for dim, vals in merged.items())


def resolve_window(con, config: Config, query: MetricQuery, facts: Extent) -> Window:
    """[date_from, date_to] default to the data's range: first created_at .. as_of, local dates."""
    tz = config.reporting_timezone
    date_from = query.date_from or local_date(con, tz, facts.data_start)
    date_to = query.date_to or local_date(con, tz, facts.as_of)
    # one explicit end outside the data's range still makes a (possibly empty) window
    if query.date_from and not query.date_to and date_to < date_from:
        date_to = date_from
    if query.date_to and not query.date_from and date_from > date_to:
        date_from = date_to
    check_dates(date_from, date_to)
    if date_from <= date_to and query.grain != WINDOW:
        first = period_floor(dt.datetime.combine(date_from, dt.time()), query.grain)
        last = period_floor(dt.datetime.combine(date_to, dt.time(23)), query.grain)
        if period_count(first, last, query.grain) > MAX_PERIODS:
            raise InvalidQuery(f"{date_from} to {date_to} is {period_count(first, last, query.grain):,} "
                               f"{query.grain} periods; at most {MAX_PERIODS:,} per query (use a coarser "
                               "--grain or a shorter window)")
    return make_window(con, tz, query.grain, date_from, date_to)


def empty_frame(query: MetricQuery) -> pd.DataFrame:
    cols = ["period_start", *query.by, "value", "n"]
    if query.compare == "previous":
        cols += ["previous_value", "change"]
    return pd.DataFrame({c: [] for c in cols})


def _finish(frame: pd.DataFrame, query: MetricQuery) -> pd.DataFrame:
    keys = ["period_start", *output_dims(query)]
    # a whole window is often one row: nothing to sort (each pandas step costs ~0.3 ms, and a panel
    # finishes a dozen frames)
    frame = (frame.sort_values(keys, kind="stable") if len(frame) > 1 else frame).reset_index(drop=True)
    if frame["value"].dtype != "float64":
        frame["value"] = frame["value"].astype("float64")
    if frame["n"].dtype != "int64":
        frame["n"] = frame["n"].fillna(0).astype("int64")
    return frame


def output_dims(query: MetricQuery) -> tuple[str, ...]:
    """category_share is a share *of* categories, so its rows always carry abuse_category."""
    if query.metric == "category_share" and "abuse_category" not in query.by:
        return (*query.by, "abuse_category")
    return query.by


def _with_previous(con, query, config, window, facts, source) -> pd.DataFrame:
    """Add the previous period's value of the same dimensions, and value - previous (change).

    At the whole-window grain the previous period is the window of equal length just before it.
    """
    if query.metric in SNAPSHOT_METRICS and window.grain == WINDOW:
        raise InvalidQuery(f"{query.metric} is a snapshot at as_of: it has no previous window")
    extended = _extended_window(con, config.reporting_timezone, window)
    return _previous_columns(_finish(compute(con, query, config, extended, facts, source), query), query, window,
                             _first_data_moment(con, config.reporting_timezone, facts))


def _previous_columns(frame: pd.DataFrame, query: MetricQuery, window: Window,
                      first_data: pd.Timestamp | None) -> pd.DataFrame:
    """previous_value and change from a frame over the window with one more period in front;
    `first_data`: the first ticket's creation (local, naive), or None without tickets."""
    dims = list(output_dims(query))
    grouped = frame.groupby(dims, sort=False, dropna=False)["value"] if dims else frame["value"]
    frame["previous_value"] = grouped.shift(1)
    frame = frame[frame["period_start"] >= pd.Timestamp(window.first_period)].reset_index(drop=True)
    # a previous period that ends before the first ticket was never measured: empty, not 0
    if first_data is not None:
        frame.loc[frame["period_start"] <= first_data, "previous_value"] = np.nan
    frame["change"] = frame["value"] - frame["previous_value"]
    return frame


def _first_data_moment(con, tz: str, facts: Extent) -> pd.Timestamp | None:
    """The first ticket's creation, local and tz-naive like period_start; None without tickets."""
    if facts.data_start is None:
        return None
    moment = local_moment(con, tz, facts.data_start)
    return pd.Timestamp(moment)


def data_days(con, config: Config, facts: Extent | None = None) -> tuple[dt.date, dt.date] | None:
    """(first day, last day) with data in the reporting zone: first created_at .. as_of."""
    facts = extent(con) if facts is None else facts
    if facts.as_of is None or facts.data_start is None:
        return None
    tz = config.reporting_timezone
    return local_date(con, tz, facts.data_start), local_date(con, tz, facts.as_of)


def _extended_window(con, tz: str, window: Window) -> Window:
    """The window with one more period in front (the previous one)."""
    if window.grain == WINDOW:
        return with_previous_window(con, tz, window)
    first = shift_period(window.first_period, window.grain, -1)
    return make_window(con, tz, window.grain, first.date(), (window.end_local - dt.timedelta(days=1)).date())


def parse_filters(texts) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """["region=BR,MX", "high_profile=true"] -> (("region", ("BR", "MX")), ("high_profile", ("true",)))."""
    out = []
    for text in texts:
        dim, sep, values = text.partition("=")
        if not sep or not dim.strip() or not values.strip():
            raise InvalidQuery(f"--where {text!r} must look like DIM=VALUE (or DIM=V1,V2)")
        (dim,) = check_dims((dim.strip(),))
        out.append((dim, tuple(v.strip() for v in values.split(",") if v.strip())))
    return tuple(out)


def parse_dims(text: str | None) -> tuple[str, ...]:
    """"region, vendor" -> ("region", "vendor"), checked against the allow-list."""
    if not text:
        return ()
    return check_dims(tuple(d.strip() for d in text.split(",") if d.strip()))
