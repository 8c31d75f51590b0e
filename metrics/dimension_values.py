"""The distinct values of a dimension: from the marts while they match the data, else from tickets."""
from __future__ import annotations

import duckdb

from metrics.facts import Extent, pinned
from metrics.mart_state import marts_match_data
from metrics.sqltext import check_dims, dims_sql, render


def dimension_values(con: duckdb.DuckDBPyConnection, dim: str, facts: Extent | None = None) -> list[str]:
    """The distinct values of one dimension in the warehouse, sorted ('false'/'true' for high_profile).

    `facts`: extent(con) if the caller already has it (saves a look at the tickets)."""
    (dim,) = check_dims((dim,))
    if dim == "high_profile":
        return ["false", "true"]
    return list(pinned(("dimension_values", dim), lambda: _read_values(con, dim, facts)))


def _read_values(con, dim: str, facts: Extent | None) -> list[str]:
    if marts_match_data(con, facts):
        sql, params = render("dimension_values_from_mart.sql", {}), {"dim": dim}
    else:
        sql, params = render("dimension_values.sql", {"dims": dims_sql((dim,))}), {}
    return [r[0] for r in con.execute(sql, params).fetchall()]
