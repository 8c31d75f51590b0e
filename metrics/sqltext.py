"""Rendering the metric SQL files: identifiers from the allow-list only, values always bound.

A metric file may contain two kinds of token, both filled here and nowhere else:
`@dims@` (", region, vendor": dimension columns, checked against the allow-list) and
`@filters@` (" AND region IN ($f0_0, $f0_1)": placeholders only; the values travel as parameters).
"""
from __future__ import annotations

import re

import duckdb
import pandas as pd

from metrics.errors import UnknownDimension
from metrics.registry import DIMENSIONS
from core.sql_files import sql_text

_TOKEN = re.compile(r"@([a-z_]+)@")
_PARAM = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")


def check_dims(dims) -> tuple[str, ...]:
    for d in dims:
        if d not in DIMENSIONS:
            raise UnknownDimension(d, DIMENSIONS)
    return tuple(dims)


def dims_sql(dims) -> str:
    return "".join(f", {d}" for d in check_dims(dims))


def filters_sql(filters) -> tuple[str, dict]:
    """((dim, (value, ...)), ...) -> (" AND dim IN ($f0_0, ...)", {"f0_0": value})."""
    parts, params = [], {}
    for i, (dim, values) in enumerate(filters):
        check_dims((dim,))
        names = []
        for j, value in enumerate(values):
            key = f"f{i}_{j}"
            params[key] = _typed(dim, value)
            names.append(f"${key}")
        parts.append(f" AND {dim} IN ({', '.join(names)})")
    return "".join(parts), params


def _typed(dim: str, value):
    if dim == "high_profile":
        return str(value).strip().lower() == "true"
    return str(value)


def render(name: str, tokens: dict[str, str]) -> str:
    """The SQL file with its tokens filled; an unknown token is a programming error."""
    text = sql_text("metrics", name)

    def fill(match: re.Match) -> str:
        return tokens[match.group(1)]
    return _TOKEN.sub(fill, text)


def compose(ctes: list[tuple[str, str]], final: str, materialized: tuple[str, ...] = ()) -> str:
    """Put shared steps (calendar, cells, combos) in front of a metric kind's query as named CTEs;
    `materialized` ones are computed once however many steps read them."""
    if not ctes:
        return final
    head = ",\n".join(f"{name} AS {'MATERIALIZED ' if name in materialized else ''}(\n{body}\n)"
                       for name, body in ctes)
    return f"WITH {head}\nSELECT * FROM (\n{final}\n)"


def used_params(sql: str, params: dict) -> dict:
    """DuckDB refuses parameters a statement does not use, so bind exactly the ones it names."""
    wanted = set(_PARAM.findall(_strip_comments(sql)))
    return {k: v for k, v in params.items() if k in wanted}


def _strip_comments(sql: str) -> str:
    return "\n".join(line.split("--", 1)[0] for line in sql.splitlines())


def fetch_df(con: duckdb.DuckDBPyConnection, sql: str, params: dict) -> pd.DataFrame:
    return con.execute(sql, used_params(sql, params)).df()


def fetch_rows(con: duckdb.DuckDBPyConnection, sql: str, params: dict) -> list[tuple]:
    return con.execute(sql, used_params(sql, params)).fetchall()
