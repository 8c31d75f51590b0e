"""Arrow string arrays built from their buffers, for the hash functions DuckDB calls once per vector
(pipelines/personal_data.py, pipelines/agent_ids.py).

`pa.array(list_of_str)` imports pandas the first time a process calls it (0.2-0.3 s, most of a
small load's own time) and checks every item's type; the values here are known UTF-8 bytes, so
their offsets and the validity bitmap are written directly (benchmarks/README.md, ingest).
"""
from __future__ import annotations

import numpy as np
import pyarrow as pa


def string_array(items: list[bytes], valid: np.ndarray | None = None) -> pa.StringArray:
    """A string array of `len(valid)` rows (or `len(items)` when `valid` is None): `items` are the
    UTF-8 values of the rows where `valid` is true, in order; the other rows are NULL."""
    lengths = np.fromiter(map(len, items), dtype=np.int64, count=len(items))
    if valid is None:
        n_rows, row_lengths, bitmap, n_null = len(items), lengths, None, 0
    else:
        n_rows = len(valid)
        row_lengths = np.zeros(n_rows, dtype=np.int64)
        row_lengths[valid] = lengths
        n_null = n_rows - len(items)
        bitmap = pa.py_buffer(np.packbits(valid, bitorder="little")) if n_null else None
    offsets = np.zeros(n_rows + 1, dtype=np.int32)
    np.cumsum(row_lengths, out=offsets[1:])
    return pa.StringArray.from_buffers(n_rows, pa.py_buffer(offsets), pa.py_buffer(b"".join(items)), bitmap, n_null)


def fixed_width_array(data: bytes, width: int, valid: np.ndarray | None = None) -> pa.StringArray:
    """A string array whose values are `width` bytes each, back to back in `data` (ASCII or whole
    UTF-8 values), one per row where `valid` is true (every row when `valid` is None); the other
    rows are NULL. The offsets are a multiple of `width`: no per-value lengths to collect, which is
    what the reporter HMAC's 64 hex characters per row save over `string_array`."""
    n_values = len(data) // width
    if len(data) != n_values * width:
        raise ValueError(f"{len(data)} bytes are not whole values of {width}")
    if valid is None:
        n_rows, n_null, bitmap = n_values, 0, None
        offsets = np.arange(0, (n_rows + 1) * width, width, dtype=np.int32)
    else:
        n_rows = len(valid)
        n_null = n_rows - n_values
        offsets = np.zeros(n_rows + 1, dtype=np.int32)
        np.cumsum(valid.astype(np.int32) * width, out=offsets[1:])
        bitmap = pa.py_buffer(np.packbits(valid, bitorder="little")) if n_null else None
    if offsets[-1] != len(data):
        raise ValueError(f"{len(data) // width} values for {n_rows - n_null} valid rows")
    return pa.StringArray.from_buffers(n_rows, pa.py_buffer(offsets), pa.py_buffer(data), bitmap, n_null)
