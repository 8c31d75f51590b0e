"""A series file's table as monitoring tools and spreadsheets write it, before any value is parsed.

- the text encoding from the first MiB (core/text_encoding.py, as the ingest reads exports):
  Excel's "Unicode text" (UTF-16, tab-separated), UTF-8 with or without a BOM, cp1252;
- comment lines before the header (`# exported from ...`, InfluxDB's annotated CSV `#datatype ...`)
  skipped, as are rows with every cell empty (a spreadsheet's trailing `,,`);
- the delimiter (comma, semicolon or tab) from the header line unless given;
- every data row keeps the line number it has in the file, for the messages that name one;
- the series' columns: as given, else `timestamp` / `value` or one of their usual names
  (`time`, `_time`, `date`, `datetime`, `ds`; `_value`, `count`, `y`) in any case, else the two
  columns of a two-column file;
- values that all carry the same unit (`41.5%`, `120 ms`, as a dashboard's "formatted data" export
  writes them) lose it, with a note; values in different units are an error naming two of them.
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from itertools import chain
from pathlib import Path

from core.errors import InputError
from core.number_formats import is_missing_value
from core.text_encoding import detect_encoding

SAMPLE_BYTES = 1 << 20
TIME_NAMES = ("timestamp", "time", "_time", "date", "datetime", "ds")
VALUE_NAMES = ("value", "_value", "count", "y")
_UNIT = re.compile(r"(?P<number>.*?\d)\s*(?P<unit>%|[^\W\d_]+(/[^\W\d_]+)?)")


class SeriesFileError(InputError):
    """The CSV cannot be read as one time series; the message names line and value."""


@dataclass(frozen=True)
class SeriesTable:
    columns: list[str]
    rows: list[list[str]]     # data rows, every one as wide as the header
    lines: list[int]          # each row's line number in the file (1 = the first line)
    delimiter: str
    notes: list[str]


def read_table(path: Path, delimiter: str | None = None) -> SeriesTable:
    """The header and the data rows of `path`, with notes on what was skipped or detected."""
    raw = path.read_bytes()
    encoding = detect_encoding(raw[:SAMPLE_BYTES], cut=len(raw) > SAMPLE_BYTES)
    text = raw.decode(encoding, errors="replace").lstrip("\ufeff")
    notes = [] if encoding == "utf-8" else [f"read as {encoding} text (detected)"]
    # Read on from the header in place (the csv module's own line ends: \n, \r\n, \r), rather than
    # splitting the whole text into lines and joining them again.
    buffer = io.StringIO(text, newline="")
    first, header_line = 0, buffer.readline()
    while header_line and (not header_line.strip() or header_line.lstrip().startswith("#")):
        first, header_line = first + 1, buffer.readline()
    if not header_line:
        raise SeriesFileError(f"{path}: no header line")
    if first:
        notes.append(f"{first} comment or blank line(s) before the header skipped")
    sep = delimiter or _sniff_delimiter(header_line)
    reader = csv.reader(chain([header_line], buffer), delimiter=sep, skipinitialspace=True)
    try:
        header = [name.strip() for name in next(reader)]
        rows, numbers, empty = [], [], 0
        for record in reader:
            if not any(cell.strip() for cell in record):
                empty += bool(record)
                continue
            if len(record) != len(header):
                raise SeriesFileError(f"{path}: line {first + reader.line_num}: {len(record)} cells, the header "
                                      f"has {len(header)}")
            rows.append(record)
            numbers.append(first + reader.line_num)
    except csv.Error as exc:
        raise SeriesFileError(f"{path}: line {first + reader.line_num}: not readable as CSV ({exc})") from None
    if empty:
        notes.append(f"{empty} row(s) with every cell empty skipped")
    return SeriesTable(header, rows, numbers, sep, notes)


def _sniff_delimiter(header_line: str) -> str:
    counts = {d: header_line.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=counts.get)
    return best if counts[best] > 0 else ","


def series_columns(path: Path, columns: list[str], time_col: str | None, value_col: str | None,
                   notes: list[str]) -> tuple[str, str]:
    """The timestamp and value columns: as given, or found without options where unambiguous."""
    found = [_column(columns, time_col) if time_col else _usual_column(columns, TIME_NAMES),
             _column(columns, value_col) if value_col else _usual_column(columns, VALUE_NAMES)]
    if None in found and time_col is None and value_col is None and len(columns) == 2:
        notes.append(f"columns {columns[0]!r} and {columns[1]!r} read as the timestamp and the value "
                     "(--time-col and --value-col choose others)")
        return columns[0], columns[1]
    for col, given, option in ((found[0], time_col or "timestamp", "--time-col"),
                               (found[1], value_col or "value", "--value-col")):
        if col is None:
            raise SeriesFileError(f"{path}: no column {given!r}; columns are {', '.join(columns)} ({option} names one)")
    guessed = [f"{c!r} read as the {role}" for c, given, role in zip(found, (time_col, value_col), ("timestamp", "value"))
               if given is None and c.lower() != role]
    if guessed:
        notes.append(f"column {' and '.join(guessed)} (--time-col and --value-col choose others)")
    return found[0], found[1]


def _column(columns: list[str], name: str) -> str | None:
    """`name` as written, or the one column that matches it in another case."""
    if name in columns:
        return name
    folded = [c for c in columns if c.strip().lower() == name.strip().lower()]
    return folded[0] if len(folded) == 1 else None


def _usual_column(columns: list[str], names: tuple[str, ...]) -> str | None:
    """The column called names[0] in any case, else the one column called one of the others."""
    first = _column(columns, names[0])
    if first is not None:
        return first
    usual = [c for c in columns if c.strip().lower() in names[1:]]
    return usual[0] if len(usual) == 1 else None


def strip_unit(path: Path, column: str, cells: list[str], lines: list[int]) -> tuple[list[str], str | None]:
    """`cells` without the unit they all carry (41.5% -> 41.5), and that unit; unchanged (None)
    when some cell carries none. Cells in two units are an error: 120 ms and 1.2 s are not one scale."""
    units: dict[str, int] = {}
    numbers = []
    for i, cell in enumerate(cells):
        if is_missing_value(cell):
            numbers.append(cell)
            continue
        m = _UNIT.fullmatch(cell)
        if m is None:
            return cells, None
        units.setdefault(m.group("unit"), i)
        numbers.append(m.group("number"))
    if len(units) > 1:
        (a, i), (b, j) = list(units.items())[:2]
        raise SeriesFileError(f"{path}: {column} values in different units: line {lines[i]} {cells[i]!r}, "
                              f"line {lines[j]} {cells[j]!r} (export the raw numbers, in one unit)")
    return (numbers, next(iter(units))) if units else (cells, None)
