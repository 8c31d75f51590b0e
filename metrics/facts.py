"""Small facts about the warehouse the metric queries depend on: as_of and dimension values."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb

from metrics.sqltext import check_dims, dims_sql, render


@dataclass(frozen=True)
class Extent:
    as_of: dt.datetime | None       # latest timestamp of any kind on any ticket
    data_start: dt.datetime | None  # earliest created_at
    n_tickets: int
    load_state: str = ""            # "<load runs>:<latest load id>"


def extent(con: duckdb.DuckDBPyConnection) -> Extent:
    return Extent(*con.execute(render("as_of.sql", {})).fetchall()[0])


def as_of(con: duckdb.DuckDBPyConnection) -> dt.datetime | None:
    """The latest timestamp of any kind on any ticket: "now" as far as the data can tell.

    Wall-clock time is not used, so a metric computed from the same warehouse is the same number
    on any day it is asked for (the weekly report can be re-run, tests are stable).
    """
    return extent(con).as_of


def dimension_values(con: duckdb.DuckDBPyConnection, dim: str, facts: Extent | None = None) -> list[str]:
    """The distinct values of one dimension in the warehouse, sorted ('false'/'true' for high_profile).

    `facts`: extent(con) if the caller already has it (saves a look at the tickets)."""
    (dim,) = check_dims((dim,))
    if dim == "high_profile":
        return ["false", "true"]
    from metrics.marts import marts_match_data   # marts imports this module
    if marts_match_data(con, facts):
        sql, params = render("dimension_values_from_mart.sql", {}), {"dim": dim}
    else:
        sql, params = render("dimension_values.sql", {"dims": dims_sql((dim,))}), {}
    return [r[0] for r in con.execute(sql, params).fetchall()]
