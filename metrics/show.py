"""`metrics show` as a function: the text arguments of the command line (or the read API's query
string) to the metric's table. One code path, so the API's numbers are the CLI's numbers."""
from __future__ import annotations

import datetime as dt
import json

import duckdb
import pandas as pd

from core.config import Config
from metrics.query import MetricQuery, parse_dims, parse_filters, run_query

HIGH_PROFILE = ("high_profile", ("true",))


def show_query(name: str, by: str | None = None, grain: str = "day", date_from: dt.date | None = None,
               date_to: dt.date | None = None, where: tuple[str, ...] = (), high_profile: bool = False,
               compare: str | None = None) -> MetricQuery:
    """The query `metrics show NAME --by ... --where ...` runs (names checked against the allow-list)."""
    filters = parse_filters(where) + ((HIGH_PROFILE,) if high_profile else ())
    return MetricQuery(name, grain=grain, by=parse_dims(by), filters=filters, date_from=date_from,
                       date_to=date_to, compare=compare)


def show(con: duckdb.DuckDBPyConnection, config: Config, query: MetricQuery, facts=None) -> pd.DataFrame:
    """`facts`: the warehouse extent when the caller has read it already (the CLI checks the window)."""
    return run_query(con, query, config, facts=facts)


def json_records(frame: pd.DataFrame) -> list[dict]:
    """The rows as `metrics show --format json` prints them (ISO dates, NaN as null)."""
    return json.loads(frame.to_json(orient="records", date_format="iso"))
