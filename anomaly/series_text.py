"""A series file's table as monitoring tools and spreadsheets write it, before any value is parsed.

- the text encoding from the first MiB (core/text_encoding.py, as the ingest reads exports):
  Excel's "Unicode text" (UTF-16, tab-separated), UTF-8 with or without a BOM, cp1252;
- comment lines before the header (`# exported from ...`, InfluxDB's annotated CSV `#datatype ...`)
  skipped, as are rows with every cell empty (a spreadsheet's trailing `,,`) and a report's title
  lines above its table (Google Trends' `Category: All categories`);
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
import tempfile
from dataclasses import dataclass
from itertools import chain
from pathlib import Path

from core.errors import InputError
from core.excel_sep import split_sep_line
from core.workbooks import is_workbook, sheet_as_csv
from core.number_formats import is_missing_value
from core.text_encoding import detect_encoding

SAMPLE_BYTES = 1 << 20
TITLE_LOOKAHEAD = 30       # lines in which a report's title lines and its header are looked for
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


def read_table(path: Path, delimiter: str | None = None, sheet: str | None = None) -> SeriesTable:
    """The header and the data rows of `path`, with notes on what was skipped or detected (`sheet`:
    the workbook sheet to read; core/workbooks.py picks the one with the most rows)."""
    if is_workbook(path):
        return _read_workbook(path, sheet)
    if sheet is not None:
        raise SeriesFileError(f"{path}: --sheet {sheet!r} names a workbook's sheet, and this file is no workbook")
    raw = path.read_bytes()
    encoding = detect_encoding(raw[:SAMPLE_BYTES], cut=len(raw) > SAMPLE_BYTES)
    text = raw.decode(encoding, errors="replace").lstrip("\ufeff")
    notes = [] if encoding == "utf-8" else [f"read as {encoding} text (detected)"]
    return _table_from_text(path, text, notes, delimiter)


def _read_workbook(path: Path, sheet: str | None) -> SeriesTable:
    """A BI tool's workbook: the sheet with the most rows, or `sheet`, as core/workbooks.py writes
    it (rows keep their numbers in the sheet)."""
    with tempfile.TemporaryDirectory(prefix="safetyops-sheet-") as folder:
        written, sheet = sheet_as_csv(path, Path(folder), sheet)
        text = written.read_text(encoding="utf-8")
    return _table_from_text(path, text, [f"workbook sheet {sheet!r} read"], ",")


def _table_from_text(path: Path, text: str, notes: list[str], delimiter: str | None) -> SeriesTable:
    # Read on from the header in place (the csv module's own line ends: \n, \r\n, \r), rather than
    # splitting the whole text into lines and joining them again.
    buffer = io.StringIO(text, newline="")
    first, header_line = 0, buffer.readline()
    named, _ = split_sep_line(header_line)
    if named:        # Excel's `sep=;` line names the delimiter; the header is the next line
        first, header_line = 1, buffer.readline()
        notes.append(f"delimiter {named!r} from the file's sep= line")
    skipped = 0
    while header_line and (not header_line.strip() or header_line.lstrip().startswith("#")):
        skipped, header_line = skipped + 1, buffer.readline()
    if not header_line:
        raise SeriesFileError(f"{path}: no header line")
    if skipped:
        notes.append(f"{skipped} comment or blank line(s) before the header skipped")
    titles, header_line = _past_title_lines(buffer, header_line, delimiter or named)
    if titles:
        notes.append(f"{titles} title line(s) before the header skipped (the first line whose cells the "
                     "lines after it share is the header)")
    first += skipped + titles
    sep = delimiter or named or _sniff_delimiter(header_line)
    reader = csv.reader(chain([header_line], buffer), delimiter=sep, skipinitialspace=True)
    try:
        header = [name.strip() for name in next(reader)]
        rows, numbers, empty = [], [], 0
        for record in reader:
            if not any(cell.strip() for cell in record):
                empty += bool(record)
                continue
            if len(record) != len(header):
                hint = "" if len(header) > 1 else (
                    f"; line {first + 1} ({header_line.strip()[:60]!r}) was taken as the header, but no line "
                    f"in the first {TITLE_LOOKAHEAD} is followed by lines with as many cells: remove the "
                    "title lines above the table's header")
                raise SeriesFileError(f"{path}: line {first + reader.line_num}: {len(record)} cells, the header "
                                      f"has {len(header)}{hint}")
            rows.append(record)
            numbers.append(first + reader.line_num)
    except csv.Error as exc:
        raise SeriesFileError(f"{path}: line {first + reader.line_num}: not readable as CSV ({exc})") from None
    if empty:
        notes.append(f"{empty} row(s) with every cell empty skipped")
    return SeriesTable(header, rows, numbers, sep, notes)


def _past_title_lines(buffer: io.StringIO, header_line: str, delimiter: str | None) -> tuple[int, str]:
    """(lines passed over, the header line). A report's export may open with title lines before
    its table (Google Trends: `Category: All categories`, a blank line, then `Week,term: (Worldwide)`).
    The header is the first of the next `TITLE_LOOKAHEAD` lines that has at least two cells and whose
    next two non-blank lines have as many; where the first line is such a line, or none is (a file
    too short to tell), nothing is passed over. `buffer` is left just after the header."""
    after_header = buffer.tell()
    lines = [header_line] + [buffer.readline() for _ in range(TITLE_LOOKAHEAD - 1)]
    lines = [line for line in lines if line]
    widths = [_cells(line, delimiter) for line in lines]
    for i, (line, width) in enumerate(zip(lines, widths)):
        following = [widths[j] for j in range(i + 1, len(lines)) if lines[j].strip()][:2]
        if width >= 2 and following and all(n == width for n in following):
            if i == 0:
                break
            buffer.seek(after_header)
            for _ in range(i):
                buffer.readline()
            return i, line
    buffer.seek(after_header)
    return 0, header_line


def _cells(line: str, delimiter: str | None) -> int:
    if not line.strip():
        return 0
    try:
        return len(next(csv.reader([line], delimiter=delimiter or _sniff_delimiter(line))))
    except (csv.Error, StopIteration):
        return 0


def _sniff_delimiter(header_line: str) -> str:
    counts = {d: header_line.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=counts.get)
    return best if counts[best] > 0 else ","


def series_columns(path: Path, columns: list[str], time_col: str | None, value_col: str | None,
                   notes: list[str]) -> tuple[tuple[str, ...], str]:
    """The timestamp column(s) and the value column: as given, or found without options where
    unambiguous. A spreadsheet's separate "Date" and "Time" columns are read together as the
    timestamp; a value column not named is the one column left beside the timestamp."""
    times = _time_columns_or_none(columns, time_col)
    value = _column(columns, value_col) if value_col else _usual_column(columns, VALUE_NAMES)
    if None in times or value is None:
        if time_col is None and value_col is None and len(columns) == 2:
            notes.append(f"columns {columns[0]!r} and {columns[1]!r} read as the timestamp and the value "
                         "(--time-col and --value-col choose others)")
            return (columns[0],), columns[1]
        if None in times:
            raise _no_time_column(path, columns, time_col)
        rest = [c for c in columns if c not in times and c.strip()]      # (a trailing delimiter's blank column)
        if value_col is not None or len(rest) != 1:
            raise SeriesFileError(f"{path}: no column {value_col or 'value'!r}; columns are {_listed(columns)} "
                                  "(--value-col names one)")
        value = rest[0]
    guessed = [f"{c!r} read as the value" for c in (value,) if value_col is None and c.lower() != "value"]
    if len(times) == 2:
        guessed.insert(0, f"{times[0]!r} and {times[1]!r} read together as the timestamp")
    elif time_col is None and times[0].lower() != "timestamp":
        guessed.insert(0, f"{times[0]!r} read as the timestamp")
    if guessed:
        notes.append(f"column{'s' if len(times) == 2 else ''} {' and '.join(guessed)} "
                     "(--time-col and --value-col choose others)")
    return times, value


def time_columns(path: Path, columns: list[str], time_col: str | None) -> tuple[str, ...]:
    """The timestamp column as given, or by its usual names, or a "date" and a "time" column."""
    times = _time_columns_or_none(columns, time_col)
    if None in times:
        raise _no_time_column(path, columns, time_col)
    return times


def _time_columns_or_none(columns: list[str], time_col: str | None) -> tuple[str | None, ...]:
    return (_column(columns, time_col),) if time_col else _usual_time_columns(columns)


def _no_time_column(path: Path, columns: list[str], time_col: str | None) -> SeriesFileError:
    return SeriesFileError(f"{path}: no column {time_col or 'timestamp'!r}; columns are {_listed(columns)} "
                           "(--time-col names one)")


def _listed(columns: list[str], shown: int = 20) -> str:
    """Column names for a message, at most `shown` of them (a file read with the wrong delimiter, or
    a hostile one, can have hundreds of thousands)."""
    more = f" and {len(columns) - shown:,} more" if len(columns) > shown else ""
    return ", ".join(columns[:shown]) + more


def _usual_time_columns(columns: list[str]) -> tuple[str | None, ...]:
    """The timestamp column by its usual names, or a "date" and a "time" column to read together."""
    single = _usual_column(columns, TIME_NAMES)
    if single is not None:
        return (single,)
    date, time = _column(columns, "date"), _column(columns, "time")
    if date is not None and time is not None and _usual_column([c for c in columns if c not in (date, time)],
                                                               TIME_NAMES) is None:
        return date, time
    return (None,)


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
