"""The keyed-hash functions the normalising statement calls (pipelines/normalize.py), registered on
the load's connection while it runs: agent pseudonyms (pipelines/agent_ids.py) and the reporter's
HMAC (pipelines/personal_data.py). Both are arrow functions DuckDB calls once per vector of rows."""
from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

import duckdb

from pipelines import agent_ids
from pipelines.personal_data import hmac_vector_function

AGENT_ID_FUNCTION = "safetyops_agent_id"
REPORTER_HASH_FUNCTION = "safetyops_reporter_hash"


@contextmanager
def registered(con: duckdb.DuckDBPyConnection, key: str) -> Iterator[None]:
    """`safetyops_agent_id(lower(name))` and `safetyops_reporter_hash(lower(id))` callable in SQL
    on `con` while the block runs."""
    functions = {AGENT_ID_FUNCTION: agent_ids.vector_function(key), REPORTER_HASH_FUNCTION: hmac_vector_function(key)}
    for name, function in functions.items():
        con.create_function(name, function, ["VARCHAR"], "VARCHAR", type="arrow")
    try:
        yield
    finally:
        for name in functions:
            con.remove_function(name)
