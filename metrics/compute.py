"""Run the SQL of one kind of metric (counts, ratios, backlog, percentiles, breach risk) for a validated
query over a resolved window."""
from __future__ import annotations

import re

import duckdb
import numpy as np
import pandas as pd

from metrics.errors import InvalidQuery
from metrics.facts import Extent
from metrics.mart_state import mart_is_current
from metrics.marts import additive_mart_for
from metrics.periods import WINDOW, Window
from metrics.registry import METRICS
from metrics.sqltext import compose, dims_sql, fetch_df, filters_sql, render

_METRIC_PARAM = re.compile(r"\$metric\b")

_QUANTILES = {"frt_p50": ("frt", 0.5), "frt_p90": ("frt", 0.9), "ttr_p50": ("ttr", 0.5), "ttr_p90": ("ttr", 0.9)}


def compute(con: duckdb.DuckDBPyConnection, query, config, window: Window, facts: Extent,
            source: str) -> pd.DataFrame:
    metric = METRICS[query.metric]
    by, filters = _effective_dims_and_filters(query)
    params = base_params(config, window, facts)
    params["metric"] = "inflow" if query.metric == "high_profile_inflow" else query.metric
    params["no_dims"] = not by
    if metric.kind == "percentile":
        return compute_quantiles(con, query, config, window, facts, source, (query.metric,))[query.metric]
    if metric.kind == "snapshot":
        return _breach_risk(con, by, filters, params, window, facts)
    frame = _additive(con, metric.sql_file, by, filters, params,
                      _cells_source(con, config, window, facts, by, filters, source))
    if query.metric == "category_share":
        frame = _post_filter(frame, query.filters, "abuse_category")
    return frame


def quantile_measure(metric: str) -> str | None:
    """'frt' for frt_p50 and frt_p90: percentile metrics of one measure can share one pass."""
    return _QUANTILES[metric][0] if metric in _QUANTILES else None


# Additive metrics whose queries read the same cells (for equal dimensions, filters and window):
# counts, ratios and backlog can be answered by one statement over those cells.
_SHARED_CELLS = ("counts.sql", "ratios.sql", "backlog.sql")


def shared_pass(metric: str) -> str | None:
    """Metrics with the same key, asked for the same slice and window, can be computed in one
    statement: percentiles of one measure in one sort, additive metrics over one set of cells.
    None for metrics computed on their own (category_share filters after sharing, high-profile
    inflow adds a filter, breach risk is a snapshot)."""
    measure = quantile_measure(metric)
    if measure:
        return f"quantiles:{measure}"
    m = METRICS.get(metric)
    if m and m.kind == "additive" and m.sql_file in _SHARED_CELLS and metric != "high_profile_inflow":
        return "cells"
    return None


def compute_group(con: duckdb.DuckDBPyConnection, query, config, window: Window, facts: Extent, source: str,
                  metrics: tuple[str, ...]) -> dict[str, pd.DataFrame]:
    """Metrics of one shared_pass key for the query's slice and window, in one statement."""
    (key,) = {shared_pass(m) for m in metrics}
    if key.startswith("quantiles:"):
        return compute_quantiles(con, query, config, window, facts, source, metrics)
    return compute_cells_group(con, query, config, window, facts, source, metrics)


def compute_cells_group(con: duckdb.DuckDBPyConnection, query, config, window: Window, facts: Extent,
                        source: str, metrics: tuple[str, ...]) -> dict[str, pd.DataFrame]:
    """Additive metrics over one set of cells: the cells (a scan of the mart or of tickets) are
    computed once and materialised, each metric's own SQL reads them as a CTE of its own. Each
    metric's $metric parameter is renamed to $metric_<i> so every branch binds its own value."""
    by, filters = _effective_dims_and_filters(query)
    params = base_params(config, window, facts)
    params["no_dims"] = not by
    cells_file, mart = _cells_source(con, config, window, facts, by, filters, source)
    where, filter_params = filters_sql(filters)
    tokens = {"dims": dims_sql(by), "filters": where, "mart": mart or "",
              "other_dims": dims_sql(tuple(d for d in by if d != "abuse_category"))}
    branches = []
    for i, metric in enumerate(metrics):
        params[f"metric_{i}"] = metric
        branches.append((f"metric_{i}", _METRIC_PARAM.sub(f"$metric_{i}", render(METRICS[metric].sql_file, tokens))))
    final = "\nUNION ALL BY NAME\n".join(f"SELECT {i} AS metric_index, * FROM metric_{i}" for i in range(len(metrics)))
    sql = compose([("calendar", render("calendar.sql", tokens)),
                   ("cells", render(cells_file, tokens)),
                   ("combos", render("combos.sql", tokens)), *branches], final, materialized=("cells",))
    frame = fetch_df(con, sql, {**params, **filter_params})
    index = frame.pop("metric_index").to_numpy()
    return {m: frame.take(np.flatnonzero(index == i)).reset_index(drop=True) for i, m in enumerate(metrics)}


def compute_quantiles(con: duckdb.DuckDBPyConnection, query, config, window: Window, facts: Extent, source: str,
                      metrics: tuple[str, ...]) -> dict[str, pd.DataFrame]:
    """Percentile metrics of one measure (query's dimensions, filters and window) in one pass over
    the values: {metric: frame}. Sorting the window's values is the whole cost of a percentile at
    10M tickets, so p50 and p90 asked together cost one sort, not two."""
    (measure,) = {quantile_measure(m) for m in metrics}
    by, filters = _effective_dims_and_filters(query)
    params = base_params(config, window, facts)
    params.update(no_dims=not by, measure=measure, quantiles=[_QUANTILES[m][1] for m in metrics])
    frame = _percentiles(con, by, filters, params, _percentile_source(con, config, window, facts, source))
    lists = frame.pop("quantile_values")
    columns = [c for c in frame.columns if c != "n"] + ["value", "n"]
    return {m: frame.assign(value=[float(q[i]) if hasattr(q, "__len__") else None for q in lists])[columns]
            for i, m in enumerate(metrics)}


def base_params(config, window: Window, facts: Extent) -> dict:
    sla = config.sla_frt_minutes
    return {
        **window.params(config.reporting_timezone),
        "as_of": facts.as_of,
        "fold_opening": True,
        "sla_urgent_minutes": sla["urgent"], "sla_high_minutes": sla["high"],
        "sla_normal_minutes": sla["normal"], "sla_low_minutes": sla["low"],
        "horizon_us": int(round(config.breach_risk_hours * 3600 * 1_000_000)),
    }


def _effective_dims_and_filters(query):
    by, filters = tuple(query.by), tuple(query.filters)
    if query.metric == "category_share":
        if "abuse_category" not in by:
            by = (*by, "abuse_category")
        # the share of spam within BR is spam / all of BR: filter categories after sharing
        filters = tuple(f for f in filters if f[0] != "abuse_category")
    if query.metric == "high_profile_inflow":
        # ANDed with any high_profile filter of the caller's (high_profile=false gives 0)
        filters += (("high_profile", ("true",)),)
    return by, filters


def _cells_source(con, config, window, facts, by, filters, source) -> tuple[str, str | None]:
    """(cells SQL file, mart table or None): the smallest current daily mart that can answer."""
    mart = additive_mart_for({*by, *(d for d, _ in filters)}) if window.grain != "hour" else None
    if source == "tickets":
        return "cells_from_tickets.sql", None
    usable = mart is not None and mart_is_current(con, config, facts)
    if source == "mart" and not usable:
        raise InvalidQuery("the daily mart cannot answer this query (hour grain, queue, or marts "
                           "missing/stale: run `safetyops metrics build-marts` or `safetyops refresh`)")
    return ("cells_from_mart.sql", mart) if usable else ("cells_from_tickets.sql", None)


def _percentile_source(con, config, window, facts, source) -> str:
    if source == "tickets" or window.grain == "hour":
        if source == "mart":
            raise InvalidQuery("percentiles at hour grain are computed from tickets only")
        return "percentile_values_from_tickets.sql"
    usable = mart_is_current(con, config, facts)
    if source == "mart" and not usable:
        raise InvalidQuery("the marts are missing or stale: run `safetyops metrics build-marts`")
    return "percentile_values_from_facts.sql" if usable else "percentile_values_from_tickets.sql"


def _additive(con, sql_file, by, filters, params, cells_source) -> pd.DataFrame:
    cells_file, mart = cells_source
    where, filter_params = filters_sql(filters)
    tokens = {"dims": dims_sql(by), "filters": where, "mart": mart or "",
              "other_dims": dims_sql(tuple(d for d in by if d != "abuse_category"))}
    sql = compose(
        [("calendar", render("calendar.sql", tokens)),
         ("cells", render(cells_file, tokens)),
         ("combos", render("combos.sql", tokens))],
        render(sql_file, tokens),
    )
    return fetch_df(con, sql, {**params, **filter_params})


def _percentiles(con, by, filters, params, values_file) -> pd.DataFrame:
    where, filter_params = filters_sql(filters)
    tokens = {"dims": dims_sql(by), "filters": where}
    sql = compose([("calendar", render("calendar.sql", tokens)),
                   ("scoped_tickets", render(values_file, tokens))],
                  render("percentiles.sql", tokens))
    return fetch_df(con, sql, {**params, **filter_params})


def _breach_risk(con, by, filters, params, window: Window, facts: Extent) -> pd.DataFrame:
    """A snapshot at as_of: one period (the one holding as_of), and only if it is in the window."""
    where, filter_params = filters_sql(filters)
    columns = ["period_start", *by, "value", "n"]
    if not (window.start_at <= facts.as_of < window.end_at):
        return pd.DataFrame({c: [] for c in columns})
    sql = render("breach_risk.sql", {"dims": dims_sql(by), "filters": where})
    frame = fetch_df(con, sql, {**params, **filter_params})
    if frame.empty and not by:
        period = window.first_period if window.grain == WINDOW else _period_of_as_of(con, params)
        frame = pd.DataFrame({"period_start": [period], "value": [0.0], "n": [0]})
    return frame[columns]


def _period_of_as_of(con, params) -> object:
    return con.execute("SELECT date_trunc($trunc_part, timezone($tz, $as_of))",
                       {k: params[k] for k in ("trunc_part", "tz", "as_of")}).fetchall()[0][0]


def _post_filter(frame: pd.DataFrame, filters, dim: str) -> pd.DataFrame:
    for fdim, values in filters:
        if fdim == dim:
            frame = frame[frame[dim].isin(values)]
    return frame
