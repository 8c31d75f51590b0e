"""What to change when a load rejects rows for a reason a mapping fixes, said next to the reasons.

A built-in source reads the timestamp formats its help desk writes; the same export opened and
saved again in Excel comes back with the spreadsheet's own dates (01.05.2026 00:04), and every row
is "unparseable created_at". The hint names an example value, the format that reads it, and the
one-key mapping that loads the file.
"""
from __future__ import annotations

import duckdb

from pipelines.mapping import Mapping
from pipelines.timestamp_formats import is_unix_time, timestamp_format_of

_SAMPLE = 50       # rejected values per column tried against the known formats
_TIMESTAMP_REASON = "unparseable %_at"


def timestamp_hints(con: duckdb.DuckDBPyConnection, load_run_id: int, mapping: Mapping) -> list[str]:
    """One hint per column whose timestamps were unparseable in this load, largest first."""
    rows = con.execute(
        "SELECT column_name, count(*) AS n, list(bad_value)[1:$sample] AS examples FROM rejected_rows "
        "WHERE load_run_id = $run AND reason LIKE $reason AND bad_value IS NOT NULL "
        "GROUP BY column_name ORDER BY n DESC, column_name LIMIT 3",
        {"run": load_run_id, "reason": _TIMESTAMP_REASON, "sample": _SAMPLE}).fetchall()
    return [_hint(column, n, [v.strip() for v in examples], mapping) for column, n, examples in rows]


def _hint(column: str, n: int, examples: list[str], mapping: Mapping) -> str:
    reads = ", ".join(mapping.timestamp_formats) if mapping.timestamp_formats else "ISO 8601"
    said = f"{column}: {n:,} value(s) such as {examples[0]!r} match none of the formats {mapping.name} reads ({reads})"
    if all(is_unix_time(v) for v in examples):
        return _where(mapping, f"{said}; they are Unix times (seconds or milliseconds since 1970)",
                      "[source] timestamps = \"unix\"")
    fmt = timestamp_format_of(examples)
    if fmt is None:
        return f"{said}; `safetyops mapping draft FILE` shows the values, docs/mapping.md the formats"
    keys = f"[source] timestamp_formats = [\"{fmt}\"]"
    if mapping.timestamps == "offset":     # the source's values carry their UTC offset; these do not
        said = f"{said}; they carry no UTC offset (e.g. 2026-03-02T10:00:00Z) and read as {fmt!r}"
        keys = f"[source] timestamps = \"naive\" and timestamp_formats = [\"{fmt}\"], with --timezone for their zone,"
    else:
        said = f"{said}; they read as {fmt!r}"
    return _where(mapping, said, keys)


def _where(mapping: Mapping, said: str, keys: str) -> str:
    """The hint ends with where to set `keys`: a mapping extending a built-in source, or its own file."""
    if mapping.origin == f"pipelines/mappings/{mapping.name}.toml":      # a built-in source
        return f"{said}: a mapping with extends = \"{mapping.name}\" and {keys} loads them (docs/mapping.md)"
    return f"{said}: set {keys} in {mapping.origin}"
