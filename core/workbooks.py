"""Spreadsheet workbooks (.xlsx, .xlsm, .xlsb, .xls, .ods), read as the CSV their table would be saved as.

Help desks' report tools deliver workbooks as often as CSV (a Salesforce report's "Details Only"
export, Zendesk Explore). The table of the visible sheet with the most rows (`--sheet` names
another) is written, row for row, to a UTF-8 CSV that everything downstream reads as any other
export: a record's line is its row in the sheet. Title rows above the header become empty lines (the CSV reader skips them and counts
them), so do empty rows. Typed cells are written as text the loaders read in every locale: dates
and times in ISO 8601, numbers with a decimal point and up to 15 significant digits (what Excel
shows), booleans as true / false.

The reader (python-calamine) holds a whole sheet in memory, as a dense grid from its first to its
last cell: a 5 KB file with cells at A1 and XFD1048576 asks for 500 GB, and the reader aborts the
process when an allocation fails. So a workbook is read in a child process whose address space is
capped (MEMORY_LIMIT_BYTES); a sheet that needs more is refused with how to save it as CSV, and the
caller's process (a load, with its transaction) is never at risk. Workbooks whose XML unpacks to
over MAX_UNPACKED_BYTES are refused before a child is started.
"""
from __future__ import annotations

import csv
import json
import math
import resource
import subprocess
import sys
import zipfile
from itertools import islice
from datetime import date, datetime, time, timedelta
from pathlib import Path

from core.errors import InputError

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xlsb", ".xls", ".ods")
ZIP_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0"              # Excel 97-2003 .xls
MAX_UNPACKED_BYTES = 1 << 30                   # ~15-30M cells of XML; the child's memory cap is the real bound
MEMORY_LIMIT_BYTES = 1536 << 20                # the reading child's address space
READ_TIMEOUT_SECONDS = 600
_HEADER_SEARCH_ROWS = 30
SAVE_AS_CSV = "save the sheet from the spreadsheet as 'CSV UTF-8 (Comma delimited)' and load that file"


class WorkbookError(InputError):
    """A workbook that cannot be read, has no table, or is too large to read in memory."""


def is_workbook(path: Path) -> bool:
    """An .xls (OLE2) file, or a ZIP that holds an .xlsx / .xlsm / .xlsb / .ods workbook."""
    with open(path, "rb") as fh:
        head = fh.read(4)
    if head.startswith(OLE2_MAGIC):
        return True
    if not head.startswith(ZIP_MAGIC):
        return False
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
    except zipfile.BadZipFile:
        return False
    return bool(names & {"xl/workbook.xml", "xl/workbook.bin"}) or "content.xml" in names and "mimetype" in names


def sheet_as_csv(path: Path, folder: Path, sheet: str | None = None) -> tuple[Path, str]:
    """Write the table of `sheet` (None: the visible sheet whose table has the most rows) to
    `folder` as `<name> (sheet <sheet>).csv`; (that file, the sheet). Read in a child process with
    capped memory (see the module's docstring)."""
    _check_size(path)
    try:
        child = subprocess.run([sys.executable, "-m", "core.workbooks", str(path.resolve()), str(folder.resolve()),
                                *([sheet] if sheet is not None else [])],
                               capture_output=True, text=True, timeout=READ_TIMEOUT_SECONDS,
                               cwd=_PROJECT_ROOT)
    except subprocess.TimeoutExpired:
        raise WorkbookError(f"{path}: reading the workbook took over {READ_TIMEOUT_SECONDS} s: {SAVE_AS_CSV}") from None
    if child.returncode == 0:
        written = json.loads(child.stdout)
        return Path(written["csv"]), written["sheet"]
    if child.returncode == _REFUSED:
        raise WorkbookError(child.stderr.strip())
    if child.returncode > 0 and "MemoryError" not in child.stderr:
        last = (child.stderr.strip().splitlines() or ["no message"])[-1]
        raise WorkbookError(f"{path}: the workbook reader failed ({last}): {SAVE_AS_CSV}")
    raise WorkbookError(f"{path}: reading this workbook needs more than {MEMORY_LIMIT_BYTES >> 20:,} MiB of memory "
                        f"(a sheet's cells span too many rows and columns): {SAVE_AS_CSV}")


_REFUSED = 3
_PROJECT_ROOT = str(Path(__file__).resolve().parent.parent)


def _main(argv: list[str]) -> int:
    """The child: cap its own memory, write the table, print where."""
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT_BYTES, MEMORY_LIMIT_BYTES))
    try:
        written, sheet = _write_sheet_as_csv(Path(argv[0]), Path(argv[1]), argv[2] if len(argv) > 2 else None)
    except WorkbookError as exc:
        print(exc, file=sys.stderr)
        return _REFUSED
    print(json.dumps({"csv": str(written), "sheet": sheet}))
    return 0


def _write_sheet_as_csv(path: Path, folder: Path, sheet: str | None) -> tuple[Path, str]:
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
        with workbook:
            if sheet is not None and sheet not in workbook.sheet_names:
                raise WorkbookError(f"{path}: no sheet named {sheet!r}; its sheets: "
                                    f"{', '.join(repr(n) for n in workbook.sheet_names)}")
            for sheet_name in [sheet] if sheet is not None else _largest_first(workbook):
                rows = workbook.get_sheet_by_name(sheet_name).iter_rows()
                target = folder / f"{path.name} (sheet {_safe(sheet_name)}).csv"
                if _write_table(rows, target):
                    return target, sheet_name
    except (CalamineError, OSError, ValueError) as exc:      # (damaged parts surface as OSError too)
        raise WorkbookError(f"{path}: not a readable workbook ({type(exc).__name__}: {exc})") from exc
    if sheet is not None:
        raise WorkbookError(f"{path}: sheet {sheet!r} has no table (a header row and at least one row)")
    raise WorkbookError(f"{path}: no sheet of this workbook has a table (a header row and at least one row)")


def _largest_first(workbook) -> list[str]:
    """The visible sheets, the one with the most rows first (a data sheet before its summary or
    notes; ties in the workbook's order). One sheet is not measured: measuring reads it."""
    names = _visible_sheets(workbook)
    if len(names) < 2:
        return names
    rows = {name: workbook.get_sheet_by_name(name).height for name in names}
    return sorted(names, key=lambda name: -rows[name])


def _check_size(path: Path) -> None:
    size = path.stat().st_size
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            size = sum(m.file_size for m in archive.infolist() if m.filename.endswith((".xml", ".bin")))
    if size > MAX_UNPACKED_BYTES:
        raise WorkbookError(f"{path}: a workbook of {size:,} bytes unpacked; safetyops reads workbooks of up to "
                            f"{MAX_UNPACKED_BYTES:,} in memory: {SAVE_AS_CSV}")


def _visible_sheets(workbook) -> list[str]:
    from python_calamine import SheetTypeEnum, SheetVisibleEnum
    return [m.name for m in workbook.sheets_metadata
            if m.typ == SheetTypeEnum.WorkSheet and m.visible == SheetVisibleEnum.Visible]


def _safe(sheet_name: str) -> str:
    return "".join(c if c.isalnum() or c in " -_." else "_" for c in sheet_name)[:60]


def _write_table(rows, target: Path) -> bool:
    """Write the sheet from its header row on (rows above it as empty lines); False when the
    sheet has no header row followed by a row."""
    first = list(islice(rows, _HEADER_SEARCH_ROWS))
    timed = {i for row in first for i, value in enumerate(row) if isinstance(value, datetime)}
    first = [_texts(row, timed) for row in first]
    header_at = _header_row(first)
    if header_at is None:
        return False
    width = len(_trimmed(first[header_at]))
    with open(target, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        out.write("\n" * header_at)
        for cells in first[header_at:]:
            _write_row(writer, out, cells, width)
        for row in rows:
            _write_row(writer, out, _texts(row, timed), width)
    return True


def _header_row(rows: list[list[str]]) -> int | None:
    """The first row with at least half as many filled cells as the fullest of the first rows
    (a report's title and filter lines above it fill one or two), and a row after it."""
    filled = [sum(1 for c in row if c) for row in rows]
    needed = max(2, math.ceil(max(filled, default=0) / 2))
    for i, n in enumerate(filled[:-1]):
        if n >= needed:
            return i
    return None


def _write_row(writer, out, cells: list[str], width: int) -> None:
    cells = _trimmed(cells)
    if not cells:
        out.write("\n")       # an empty row: an empty line, skipped and counted like the CSV's own
        return
    writer.writerow(cells + [""] * (width - len(cells)))


def _trimmed(cells: list[str]) -> list[str]:
    end = len(cells)
    while end and not cells[end - 1]:
        end -= 1
    return cells[:end]


def _texts(row, timed: set[int]) -> list[str]:
    """The row's cells as text. The reader gives a moment at midnight as a date: in a column of
    moments (`timed`, the columns where one was seen) it is written with its time, 00:00:00.
    (Per cell, by exact type: a million-row sheet has twelve million cells.)"""
    texts = []
    for i, value in enumerate(row):
        kind = type(value)
        if kind is str:
            texts.append(value)
            continue
        if kind is datetime:
            timed.add(i)
        elif kind is date and i in timed:
            value, kind = datetime.combine(value, time()), datetime
        texts.append(_AS_TEXT.get(kind, _other_text)(value))
    return texts


def cell_text(value) -> str:
    """A typed cell as a CSV export would hold it, the same in every locale."""
    return value if type(value) is str else _AS_TEXT.get(type(value), _other_text)(value)


def _float_text(value: float) -> str:
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return format(value, ".15g")


def _moment_text(moment: datetime) -> str:
    # Excel stores a moment as a fraction of a day; read back it can be a few microseconds off.
    if moment.microsecond:
        moment = (moment + timedelta(microseconds=500_000)).replace(microsecond=0)
    return moment.isoformat(sep=" ", timespec="seconds")


def _other_text(value) -> str:
    return "" if value is None else str(value)


def _duration(span: timedelta) -> str:
    """[h]:mm:ss, as Excel shows a duration (hours past 24 kept)."""
    seconds = round(span.total_seconds())
    sign, seconds = ("-" if seconds < 0 else ""), abs(seconds)
    return f"{sign}{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


_AS_TEXT = {
    bool: lambda v: "true" if v else "false", int: str, float: _float_text, datetime: _moment_text,
    date: date.isoformat, time: lambda v: v.replace(microsecond=0).isoformat(), timedelta: _duration,
    type(None): lambda v: "",
}


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
