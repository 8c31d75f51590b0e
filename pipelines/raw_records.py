"""The raw record kept with a rejected line: every column of the file as text, ticket text
dropped and reporter ids hashed with the config's key.

Most loads reject nothing, so the normalising pass reads only the columns the mapping uses (a
wide export's other columns cost scan time on every row). When a load has rejects, their full
records are read back afterwards by position, in a second pass over the file.
"""
from __future__ import annotations

from dataclasses import dataclass

import duckdb

from pipelines.readers import quote_ident
from pipelines.sql_files import bound_params


@dataclass(frozen=True)
class RecordColumns:
    kept: list[str]          # the file's columns that go into the record (text columns left out)
    reporter: list[str]      # of those, the ones holding reporter ids or e-mails (hashed)


def record_json(columns: RecordColumns, ref, bind, key_sql: str) -> str:
    """SQL for the record as a JSON object; `ref(col)` gives the SQL that reads a column, `bind`
    turns a value into a bound parameter, `key_sql` is the (bound) hash key."""
    parts = []
    for col in columns.kept:
        value = ref(col)
        if col in columns.reporter:
            value = f"sha256({key_sql} || chr(31) || lower(trim({value})))"
        parts.append(f"{bind(col)}, {value}")
    return f"CAST(json_object({', '.join(parts)}) AS VARCHAR)" if parts else "NULL"


def read_back(con: duckdb.DuckDBPyConnection, columns: RecordColumns, hash_key: str, positions: list[int]) -> None:
    """Fill the temp table ingest_raw_records(position, raw_record) for the given row positions
    (0-based, among the records the CSV parser accepted, in file order) from `raw_input`.
    One pass in file order: row_number() keeps it on one thread, which only files with rejects pay."""
    values: dict = {"hash_key": hash_key}

    def bind(value) -> str:
        name = f"c{len(values)}"
        values[name] = value
        return f"${name}"

    record = record_json(columns, quote_ident, bind, "$hash_key")
    values["positions"] = positions
    sql = f"""
CREATE OR REPLACE TEMP TABLE ingest_raw_records AS
WITH numbered AS (
    SELECT row_number() OVER () - 1 AS position, * FROM raw_input
)
SELECT position, {record} AS raw_record
FROM numbered
WHERE position IN (SELECT unnest(CAST($positions AS BIGINT[])))"""
    con.execute(sql, bound_params(sql, values))


def none_to_read_back(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("CREATE OR REPLACE TEMP TABLE ingest_raw_records (position BIGINT, raw_record VARCHAR)")
