"""Agent pseudonyms: `ag_` + the first 16 hex digits of HMAC-SHA256(key, "agent" US name).

Computed by a Python function DuckDB calls once per vector of rows, not in SQL: a help desk has a
few hundred agents, so a vector of 2,048 rows holds a handful of names, and hashing each distinct
name once (with a bounded cache across vectors) costs a fraction of the two SHA-256 per row the
same HMAC costs in SQL (benchmarks/README.md, ingest). The values are identical either way
(tests/test_sql_functions.py), so warehouses loaded before keep their agent ids.
"""
from __future__ import annotations

from typing import Callable

import pyarrow as pa
import pyarrow.compute as pc

from pipelines.arrow_strings import string_array
from pipelines.personal_data import hmac_hex

_CACHE_LIMIT = 100_000      # names; a file of millions of distinct "agents" must not grow it forever


def agent_id(key: str, lowered_name: str) -> str:
    return "ag_" + hmac_hex(key, "agent\x1f" + lowered_name)[:16]


def vector_function(key: str) -> Callable[[pa.Array | pa.ChunkedArray], pa.Array]:
    """The arrow function: lower-cased names in, agent ids out (NULL stays NULL). Names seen before
    are looked up in C++ (`index_in`); only new ones are hashed, in Python."""
    # pa.nulls, not pa.array([]): pyarrow imports pandas the first time a Python list becomes an
    # array (0.18-0.25 s), and a load whose export carries agent ids never calls this function.
    empty = (pa.nulls(0, pa.string()), pa.nulls(0, pa.string()))
    # (names, ids) swapped as one tuple: DuckDB calls this from several threads, and pyarrow lets
    # them run between statements, so each call works on the one snapshot it read.
    state = [empty]

    def agent_ids(names: pa.Array | pa.ChunkedArray) -> pa.Array:
        if isinstance(names, pa.ChunkedArray):
            names = names.combine_chunks()
        known_names, known_ids = state[0]
        at = pc.index_in(names, value_set=known_names)
        unseen = pc.and_(pc.is_null(at), pc.is_valid(names))
        if pc.any(unseen).as_py():
            if len(known_names) > _CACHE_LIMIT:
                known_names, known_ids = empty
                unseen = pc.is_valid(names)
            new = pc.unique(names.filter(unseen))
            ids = string_array([agent_id(key, n).encode() for n in new.to_pylist()])
            known_names = pa.concat_arrays([known_names, new])
            known_ids = pa.concat_arrays([known_ids, ids])
            state[0] = (known_names, known_ids)
            at = pc.index_in(names, value_set=known_names)
        return known_ids.take(at)

    return agent_ids
