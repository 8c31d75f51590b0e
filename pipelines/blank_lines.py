"""Empty lines inside a CSV export, which DuckDB's reader skips without a word.

A record's line is computed from its position among the records the parser returned
(pipelines/readers.py), so every empty line before it must be counted, as the lines of the
records the parser rejected are. They are found only when a line number is needed (a load with
rejected rows), and a file with no two line breaks in a row is never read record by record.
DuckDB counts lines as records do (a quoted value spanning lines is one line), and so do the
numbers returned here.
"""
from __future__ import annotations

import csv
from pathlib import Path

_BLOCK_BYTES = 1 << 22
_TWO_BREAKS = (b"\n\n", b"\n\r\n")


def empty_lines_after(path: Path, delimiter: str, header_line: int) -> list[int]:
    """The lines after line `header_line` of the UTF-8 file `path` that hold nothing, outside any
    quoted value. (An empty line inside a quoted description is part of its record.)"""
    if not _may_have_an_empty_line(path):
        return []
    found = []
    with open(path, "r", encoding="utf-8", errors="replace", newline="") as fh:
        reader = csv.reader(fh, delimiter=delimiter, quotechar='"', doublequote=True, strict=False)
        try:
            for line, record in enumerate(reader, start=1):
                if not record and line > header_line:
                    found.append(line)
        except csv.Error:      # (a field past the csv module's size limit: DuckDB rejected that line)
            pass
    return found


def _may_have_an_empty_line(path: Path) -> bool:
    """Two line breaks in a row anywhere in the file (a cheap pass in C, block by block)."""
    carry = b""
    with open(path, "rb") as fh:
        while block := fh.read(_BLOCK_BYTES):
            joined = carry + block
            if any(pattern in joined for pattern in _TWO_BREAKS):
                return True
            carry = joined[-2:]
    return False
