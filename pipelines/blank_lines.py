"""Empty lines inside a CSV export, which DuckDB's reader skips without a word.

A record's line is computed from its position among the records the parser returned
(pipelines/readers.py), so every empty line before it must be counted, as the lines of the
records the parser rejected are. They are looked for only when a line number is needed (a load
with rejected rows). A pass in C finds the runs of line breaks outside quoted values (the parity
of the quotes before a run tells: a doubled quote inside a value adds two); an empty line inside
a quoted description is part of its record. Only a file that has such runs is read record by
record, and only until all of them are found: DuckDB counts lines as records do (a quoted value
spanning lines is one line), and so do the numbers returned here.
"""
from __future__ import annotations

import csv
import mmap
import re
from pathlib import Path

_EMPTY_LINES = re.compile(rb"\n(?:\r?\n)+")


def empty_lines_after(path: Path, delimiter: str, header_line: int) -> list[int]:
    """The lines after line `header_line` of the UTF-8 file `path` that hold nothing, outside any
    quoted value."""
    expected = _empty_lines_outside_quotes(path)
    if not expected:
        return []
    expected += header_line - 1      # (the reader also meets the empty lines before the header)
    found = []
    with open(path, "r", encoding="utf-8", errors="replace", newline="") as fh:
        reader = csv.reader(fh, delimiter=delimiter, quotechar='"', doublequote=True, strict=False)
        try:
            for line, record in enumerate(reader, start=1):
                if not record:
                    if line > header_line:
                        found.append(line)
                    expected -= 1
                    if expected <= 0:
                        break
        except csv.Error:      # (a field past the csv module's size limit: DuckDB rejected that line)
            pass
    return found


def _empty_lines_outside_quotes(path: Path) -> int:
    """How many empty lines the file has outside quoted values (a run at the very end counts too)."""
    if path.stat().st_size == 0:
        return 0
    n_empty, quotes_before, last = 0, 0, 0
    with open(path, "rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as data:
        for run in _EMPTY_LINES.finditer(data):
            quotes_before += data[last:run.start()].count(b'"')
            last = run.start()
            if quotes_before % 2 == 0:       # (a run that opens the file has no line of its own before it)
                n_empty += run.group().count(b"\n") - (run.start() > 1)
    return n_empty
