"""CSV text assembly with arrow compute kernels: format columns, quote, join, write.

Each writer turns a chunk into a list of arrow string arrays (one per column, NULL = empty
cell); `write_rows` quotes them as the format requires, joins each row with commas, appends the
line end and writes the joined data buffer in one call. No per-row Python.
"""
from __future__ import annotations

from typing import BinaryIO, Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

NEEDS_QUOTES = r'[",\r\n]'


def labels(values: Sequence[str], codes: np.ndarray, blank: np.ndarray | None = None) -> pa.Array:
    """Codes -> their labels; where `blank` is true the cell is empty."""
    out = pc.take(pa.array(values, pa.string()), pa.array(np.asarray(codes, dtype=np.int64)))
    return out if blank is None else pc.if_else(pa.array(blank), pa.scalar(None, pa.string()),
                                                 out)


def integers(values: np.ndarray, null: np.ndarray | None = None) -> pa.Array:
    return pc.cast(pa.array(np.asarray(values, dtype=np.int64), mask=null), pa.string())


def booleans(values: np.ndarray, true: str = "true", false: str = "false") -> pa.Array:
    return labels((false, true), np.asarray(values, dtype=np.int8))


def constant(text: str | None, n: int) -> pa.Array:
    return pa.array(np.full(n, text, dtype=object) if text is not None else [None] * n,
                    pa.string())


def local_seconds(epoch: np.ndarray, zone: str) -> np.ndarray:
    """UTC epoch seconds -> the same instants as naive wall-clock seconds in `zone`."""
    if zone == "UTC":
        return epoch
    instants = pd.DatetimeIndex(epoch.astype("datetime64[s]"), tz="UTC")
    wall = instants.tz_convert(zone).tz_localize(None)
    return wall.as_unit("s").asi8


def _naive(epoch: np.ndarray, null: np.ndarray) -> pa.Array:
    """'YYYY-MM-DD HH:MM:SS' for naive seconds (arrow's cast, much faster than strftime)."""
    ts = pa.array(np.where(null, 0, epoch).astype("datetime64[s]"), mask=null)
    return pc.cast(ts, pa.string())


def iso_z(epoch: np.ndarray, millis: bool = False) -> pa.Array:
    """UTC ISO 8601 with Z ('2026-03-05T16:41:23Z'); negative epoch = NULL."""
    null = epoch < 0
    text = pc.utf8_replace_slice(_naive(epoch, null), start=10, stop=11, replacement="T")
    return pc.binary_join_element_wise(text, ".000Z" if millis else "Z", "")


def naive_local(epoch: np.ndarray, zone: str) -> pa.Array:
    """'YYYY-MM-DD HH:MM:SS' wall clock in `zone`, no offset; negative epoch = NULL."""
    null = epoch < 0
    return _naive(local_seconds(np.where(null, 0, epoch), zone), null)


def jira_dates(epoch: np.ndarray, zone: str) -> pa.Array:
    """'12/Mar/24 9:41 AM' wall clock in `zone` (English months, no leading zero on the hour)."""
    null = epoch < 0
    wall = local_seconds(np.where(null, 0, epoch), zone)
    ts = pa.array(wall.astype("datetime64[s]"), mask=null)
    text = pc.strftime(ts, format="%d/%b/%y %I:%M %p", locale="C")
    return pc.replace_substring_regex(text, pattern=r" 0(\d:)", replacement=r" \1")


def decimals(values: np.ndarray, suffix_zero: bool) -> pa.Array:
    """Floats (NaN = NULL) as text; whole numbers as '87' or, with suffix_zero, '87.0'."""
    null = np.isnan(values)
    whole = pc.cast(pa.array(np.where(null, 0, values).astype(np.int64), mask=null), pa.string())
    return pc.binary_join_element_wise(whole, ".0", "") if suffix_zero else whole


def quote_needed(column: pa.Array) -> pa.Array:
    """RFC 4180: quote a value only when it holds a comma, quote or line break."""
    escaped = pc.binary_join_element_wise('"', pc.replace_substring(column, '"', '""'), '"', "")
    return pc.if_else(pc.match_substring_regex(column, NEEDS_QUOTES), escaped, column)


def quote_all(column: pa.Array) -> pa.Array:
    """Every value quoted, NULL as an empty quoted string "" (Salesforce Data Loader style)."""
    filled = pc.fill_null(column, "")
    return pc.binary_join_element_wise('"', pc.replace_substring(filled, '"', '""'), '"', "")


def header_line(names: Sequence[str], quoted: bool, eol: str) -> bytes:
    cells = [f'"{n}"' for n in names] if quoted else list(names)
    return (",".join(cells) + eol).encode("utf-8")


def write_rows(out: BinaryIO, columns: list[pa.Array], eol: str, quote_every_value: bool = False,
               plain: frozenset[int] = frozenset()) -> int:
    """Quote, join and write rows; `plain` = column positions that never need quoting."""
    if not columns or len(columns[0]) == 0:
        return 0
    cells = []
    for position, column in enumerate(columns):
        if quote_every_value:
            cells.append(quote_all(column))
        elif position in plain:
            cells.append(column)
        else:
            cells.append(quote_needed(column))
    line = pc.binary_join_element_wise(*cells, pa.scalar(",", pa.string()),
                                       null_handling="replace", null_replacement="")
    line = pc.binary_join_element_wise(line, eol, "")
    _write_string_data(out, line)
    return len(line)


def _write_string_data(out: BinaryIO, array: pa.Array) -> None:
    """Write the concatenated bytes of a string array without building Python strings."""
    if isinstance(array, pa.ChunkedArray):
        for chunk in array.chunks:
            _write_string_data(out, chunk)
        return
    width = np.int64 if array.type == pa.large_string() else np.int32
    _, offsets_buf, data_buf = array.buffers()
    offsets = np.frombuffer(offsets_buf, dtype=width)[array.offset:array.offset + len(array) + 1]
    out.write(memoryview(data_buf)[offsets[0]:offsets[-1]])
