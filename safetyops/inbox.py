"""The refresh's folders: which inbox files to take, and where each goes afterwards.

Inputs are never deleted: a file is moved to `archive/<UTC date>/` once it is in the warehouse
(or was already), or to `failed/` with `<name>.error.txt` saying why. A name already taken at the
destination gets a numbered suffix instead of overwriting the earlier file.
"""
from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

# Uploaders should write `name.part` (or a dot-file) and rename when complete; such files are
# still being written and are left alone.
IN_PROGRESS_SUFFIXES = (".part", ".partial", ".tmp", ".crdownload")
# Hidden files, and the lock file Excel / LibreOffice keep beside a workbook that is open
# ("~$report.xlsx", ".~lock.report.xlsx#").
LOCK_PREFIXES = (".", "~$")
ERROR_SUFFIX = ".error.txt"


def inbox_files(inbox: Path) -> list[Path]:
    """Complete regular files in the inbox, sorted by name so every run takes them in one order."""
    inbox = Path(inbox)
    if not inbox.is_dir():
        return []
    return sorted(
        (p for p in inbox.iterdir()
         if p.is_file() and not p.name.startswith(LOCK_PREFIXES) and not p.name.endswith(IN_PROGRESS_SUFFIXES)
         and not p.name.endswith(ERROR_SUFFIX)),
        key=lambda p: p.name,
    )


def free_name(folder: Path, name: str) -> Path:
    """`folder/name`, or `folder/stem-2.ext`, `-3`... when taken: an archive never overwrites."""
    candidate = folder / name
    stem, dot, ext = name.partition(".")
    n = 2
    while candidate.exists() or (folder / (candidate.name + ERROR_SUFFIX)).exists():
        candidate = folder / f"{stem}-{n}{dot}{ext}"
        n += 1
    return candidate


def archive(path: Path, archive_dir: Path, today: dt.date) -> Path:
    folder = Path(archive_dir) / today.isoformat()
    folder.mkdir(parents=True, exist_ok=True)
    dest = free_name(folder, path.name)
    _move(path, dest)
    return dest


def fail(path: Path, failed_dir: Path, reason: str) -> Path:
    """Move to the failed folder and write the reason beside it (error file first: never a bare move)."""
    folder = Path(failed_dir)
    folder.mkdir(parents=True, exist_ok=True)
    dest = free_name(folder, path.name)
    error_path = dest.with_name(dest.name + ERROR_SUFFIX)
    tmp = error_path.with_name("." + error_path.name + ".tmp")
    tmp.write_text(reason.rstrip("\n") + "\n", encoding="utf-8")
    os.replace(tmp, error_path)
    _move(path, dest)
    return dest


def _move(src: Path, dest: Path) -> None:
    # rename when on one file system; copy-then-remove when the archive is on another disk
    shutil.move(str(src), str(dest))
