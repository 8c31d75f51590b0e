"""Agent pseudonyms: `ag_` + the first 16 hex digits of HMAC-SHA256(key, "agent" US name).

Computed by a Python function DuckDB calls once per vector of rows, not in SQL: a help desk has a
few hundred agents, so a vector of 2,048 rows holds a handful of names, and hashing each distinct
name once (with a bounded cache across vectors) costs a fifth of the two SHA-256 per row the
same HMAC costs in SQL (benchmarks/README.md, ingest). The values are identical either way
(tests/test_agent_ids.py), so warehouses loaded before keep their agent ids.
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Callable, Iterator

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from pipelines.personal_data import hmac_hex

FUNCTION_NAME = "safetyops_agent_id"
_CACHE_LIMIT = 100_000      # names; a file of millions of distinct "agents" must not grow it forever


def agent_id(key: str, lowered_name: str) -> str:
    return "ag_" + hmac_hex(key, "agent\x1f" + lowered_name)[:16]


def vector_function(key: str) -> Callable[[pa.Array | pa.ChunkedArray], pa.Array]:
    """The arrow function: lower-cased names in, agent ids out (NULL stays NULL)."""
    cache: dict[str, str] = {}

    def agent_ids(names: pa.Array | pa.ChunkedArray) -> pa.Array:
        if isinstance(names, pa.ChunkedArray):
            names = names.combine_chunks()
        encoded = pc.dictionary_encode(names)
        if len(cache) > _CACHE_LIMIT:
            cache.clear()
        ids = []
        for name in encoded.dictionary.to_pylist():
            found = cache.get(name)
            if found is None:
                found = cache[name] = agent_id(key, name)
            ids.append(found)
        return pa.array(ids, pa.string()).take(encoded.indices)

    return agent_ids


@contextmanager
def registered(con: duckdb.DuckDBPyConnection, key: str) -> Iterator[None]:
    """`safetyops_agent_id(lower(name))` callable in SQL on `con` while the block runs."""
    con.create_function(FUNCTION_NAME, vector_function(key), ["VARCHAR"], "VARCHAR", type="arrow")
    try:
        yield
    finally:
        con.remove_function(FUNCTION_NAME)
