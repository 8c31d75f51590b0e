"""The raw record kept with a rejected line: every column of the file as text, ticket text
dropped and reporter ids hashed with the config's key.

Most loads reject nothing, so the first normalising pass reads only the columns the mapping uses
(a wide export's other columns cost scan time on every row). When a load has rejects, their full
records are built by the pass that re-reads those rows in file order (pipelines/ingest.py).
"""
from __future__ import annotations

from dataclasses import dataclass



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
