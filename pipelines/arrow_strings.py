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
