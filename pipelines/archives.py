"""Exports as help desks deliver them: Zendesk's data export arrives as a ZIP, other tools gzip
their CSV, report tools write workbooks. The one export inside is unpacked to a temporary folder,
streamed (memory stays bounded), and loaded under its own name; a workbook's table is written there
as CSV (core/workbooks.py). An archive that would unpack to far more than any export compresses
from is refused.
"""
from __future__ import annotations

import gzip
import shutil
import tempfile
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Iterator

from core.errors import InputError
from core.workbooks import WORKBOOK_SUFFIXES, ZIP_MAGIC, is_workbook, sheet_as_csv

GZIP_MAGIC = b"\x1f\x8b"
EXPORT_SUFFIXES = (".csv", ".txt", ".tsv", ".json", ".jsonl", ".parquet") + WORKBOOK_SUFFIXES
MAX_RATIO = 200                                # unpacked / packed bytes; text exports compress 5-30x
MAX_SLACK_BYTES = 100 << 20


class ArchiveError(InputError):
    """An archive that is not one export file."""


@dataclass(frozen=True)
class Export:
    path: Path                   # the file to read: the one given, or what its archive / workbook held
    sheet: str | None = None     # the workbook sheet `path` was written from


@contextmanager
def unpacked(path: Path, sheet: str | None = None) -> Iterator[Export]:
    """`path` itself, the export a ZIP / gzip file holds, or a workbook's table as CSV (of `sheet`,
    when named), for the time of the block."""
    with open(path, "rb") as fh:
        head = fh.read(4)
    workbook = is_workbook(path)
    if not workbook and not head.startswith((GZIP_MAGIC, ZIP_MAGIC)):
        _no_sheet_in(path, sheet)
        yield Export(path)
        return
    folder = Path(tempfile.mkdtemp(prefix=f"{path.name}-"))
    try:
        export = path if workbook else _gunzip(path, folder) if head.startswith(GZIP_MAGIC) else _unzip(path, folder)
        if workbook or is_workbook(export):
            yield Export(*sheet_as_csv(export, folder, sheet))
        else:
            _no_sheet_in(path, sheet)
            yield Export(export)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def as_delivered(exc: InputError, export: Export, path: Path) -> InputError:
    """The error of a file read from a temporary folder (an archive's export, a workbook's sheet),
    naming the file that was delivered, so that the commands it suggests can be run as they are."""
    if export.path == path:
        return exc
    message = str(exc).replace(str(export.path), str(path))
    if export.sheet is not None:
        message += f"\n  (read from its sheet {export.sheet!r}; --sheet names another)"
    return type(exc)(message)


def _no_sheet_in(path: Path, sheet: str | None) -> None:
    if sheet is not None:
        raise ArchiveError(f"{path}: --sheet {sheet!r} names a workbook's sheet, and this file is no workbook")


def _gunzip(path: Path, folder: Path) -> Path:
    name = path.name[:-3] if path.name.lower().endswith(".gz") else path.name + ".csv"
    target = folder / name
    try:
        with gzip.open(path, "rb") as src:
            _copy_bounded(src, target, path)
    except (OSError, EOFError) as exc:
        raise ArchiveError(f"{path}: not a readable gzip file ({exc})") from exc
    return target


def _unzip(path: Path, folder: Path) -> Path:
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile as exc:
        raise ArchiveError(f"{path}: not a readable ZIP file ({exc})") from exc
    with archive:
        members = [m for m in archive.infolist() if not m.is_dir() and not m.filename.startswith("__MACOSX/")]
        names = [m.filename for m in members]
        exports = [m for m in members if Path(m.filename).suffix.lower() in EXPORT_SUFFIXES]
        if len(exports) != 1:
            shown = ", ".join(names[:10]) + (", ..." if len(names) > 10 else "")
            raise ArchiveError(f"{path}: a ZIP holding {len(exports)} export files ({shown or 'nothing'}); "
                               "unpack it and load the export file(s) it holds")
        member = exports[0]
        target = folder / Path(member.filename).name
        try:
            with archive.open(member) as src:
                _copy_bounded(src, target, path)
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            raise ArchiveError(f"{path}: {member.filename} cannot be unpacked ({exc})") from exc
    return target


def _copy_bounded(src: BinaryIO, target: Path, path: Path) -> None:
    limit = path.stat().st_size * MAX_RATIO + MAX_SLACK_BYTES
    written = 0
    with open(target, "wb") as out:
        while block := src.read(1 << 20):
            written += len(block)
            if written > limit:
                raise ArchiveError(f"{path}: unpacks to more than {limit:,} bytes ({MAX_RATIO}x its size): "
                                   "not an export; unpack it yourself if it is one")
            out.write(block)
