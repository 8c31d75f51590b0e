"""Exports as help desks deliver them: Zendesk's data export arrives as a ZIP, other tools gzip
their CSV. The one export inside is unpacked to a temporary folder, streamed (memory stays
bounded), and loaded under its own name. A spreadsheet workbook is refused with how to save it as
CSV; an archive that would unpack to far more than any export compresses from is refused too.
"""
from __future__ import annotations

import gzip
import shutil
import tempfile
import zipfile
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, Iterator

from core.errors import InputError

GZIP_MAGIC = b"\x1f\x8b"
ZIP_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0"              # Excel 97-2003 .xls
EXPORT_SUFFIXES = (".csv", ".txt", ".tsv", ".json", ".jsonl", ".parquet")
MAX_RATIO = 200                                # unpacked / packed bytes; text exports compress 5-30x
MAX_SLACK_BYTES = 100 << 20
_SAVE_AS_CSV = "save it from the spreadsheet as 'CSV UTF-8 (Comma delimited)' and load that file"


class ArchiveError(InputError):
    """An archive or workbook that is not one export file."""


@contextmanager
def unpacked(path: Path) -> Iterator[Path]:
    """`path` itself, or the export a ZIP / gzip file holds, unpacked for the time of the block."""
    with open(path, "rb") as fh:
        head = fh.read(4)
    if head.startswith(OLE2_MAGIC):
        raise ArchiveError(f"{path}: an Excel 97-2003 workbook (.xls), not a CSV: {_SAVE_AS_CSV}")
    if not head.startswith((GZIP_MAGIC, ZIP_MAGIC)):
        yield path
        return
    folder = Path(tempfile.mkdtemp(prefix=f"{path.name}-"))
    try:
        if head.startswith(GZIP_MAGIC):
            yield _gunzip(path, folder)
        else:
            yield _unzip(path, folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


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
        if "xl/workbook.xml" in names:
            raise ArchiveError(f"{path}: an Excel workbook (.xlsx), not a CSV: {_SAVE_AS_CSV}")
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
