"""Running the `.sql` files shipped in a package: statements split on ';' at line ends, each
given only the named parameters it uses (DuckDB refuses unused ones)."""
from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

import duckdb

_PARAM = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")


@lru_cache(maxsize=None)
def sql_text(package: str, name: str) -> str:
    """Read a `.sql` file shipped inside a package's `sql/` folder (once per process: a metric
    query renders a dozen of them, and they change only with the installed code)."""
    return resources.files(package).joinpath("sql", name).read_text(encoding="utf-8")


def statements(text: str) -> list[str]:
    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("--"))
    return [s.strip() for s in re.split(r";\s*(?:\n|$)", body) if s.strip()]


def run_sql_file(con: duckdb.DuckDBPyConnection, package: str, name: str, params: dict | None = None) -> None:
    for stmt in statements(sql_text(package, name)):
        con.execute(stmt, bound_params(stmt, params or {}))


def bound_params(stmt: str, params: dict) -> dict:
    used = set(_PARAM.findall(stmt))
    return {k: v for k, v in params.items() if k in used}
