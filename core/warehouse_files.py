"""The files behind a warehouse write: the working copy, the swap, and the version it replaced.

A writer works on `<db>.next`, a copy of the live file, and swaps it in with `os.replace`. A
full copy writes and makes durable the whole file every time (0.3-1.0 s for the 466 MB of a
10M-ticket warehouse on a 2-core VM), and the swap then frees the replaced file, which ext4
with `discard` does synchronously (0.09 s). A 100k-row load changes few blocks: 27 of the 1,880
256-KiB blocks of that file. So the swap keeps the replaced version as `<db>.prev` (a hard link,
no data written), and the next writer brings that file up to date by rewriting only the blocks
that differ from the live file (0.06-0.08 s). The warehouse then takes twice its size on disk.
A write that has to copy the whole file (the first after a rebuild) flushes the copy to disk on a
thread while it loads (EarlyFlush), so the swap does not wait for the whole file at the end.

A file that a reader still has open (a dashboard that has not asked for the new version yet) is
never reused: it is copied afresh instead, and the reader goes on reading its version untouched.
"""
from __future__ import annotations

import errno
import logging
import os
import shutil
import struct
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

try:
    import fcntl
except ImportError:        # not a POSIX system: files are never reused, every write copies
    fcntl = None

log = logging.getLogger(__name__)

BLOCK_BYTES = 1 << 18      # DuckDB's block size: a changed block is rewritten whole
# Read and compared a block at a time: two 256-KiB buffers per thread stay in the CPU's cache
# (4 MiB chunks took 0.095-0.117 s for the 466 MB file, 256 KiB 0.075-0.077 s).
CHUNK_BYTES = BLOCK_BYTES


def prepare_working_copy(live: Path, work: Path, spare: Path) -> bool:
    """Make `work` a byte-identical copy of `live`, reusing a file from an earlier write when it
    is safe (the log says which). `spare` is the version the last swap replaced. Returns True
    when the whole file was copied (its bytes are all still to be written to disk)."""
    candidate = work if work.exists() else spare    # a crashed writer's copy, else the replaced version
    if candidate.exists() and not os.path.samefile(candidate, live) and nobody_has_open(candidate):
        if candidate != work:
            os.replace(candidate, work)
        remove_quietly(spare)
        n_bytes = copy_changed_blocks(live, work)
        log.info("%s: reused the previous version's file, %d MB rewritten", work, n_bytes >> 20)
        return False
    # A crash between keeping the spare and the swap leaves the spare as a second name of the
    # live file (samefile): unlinking that name is all it needs.
    remove_quietly(work)
    remove_quietly(spare)
    shutil.copyfile(live, work)
    log.info("%s: copied the live file", work)
    return True


class EarlyFlush:
    """Writes a whole-file copy back to disk on a thread while the write goes on.

    The swap makes the working copy durable with one fsync. After a full copy (the first write
    after a rebuild: no replaced version to reuse) that fsync had the whole file to flush, 0.15-0.25 s
    of a 100k-row load into a 10M-ticket warehouse, waiting on the disk while nothing else ran.
    Started right after the copy, the flush runs beside the load, and the swap's own fsync is left
    with the blocks the load wrote. `wait()` raises the flush's error (a full disk at writeback),
    so that the write fails before the swap instead of swapping in a file that is not on disk."""

    def __init__(self, path: Path):
        self._error: OSError | None = None
        self._fd = os.open(path, os.O_RDONLY)
        self._thread = threading.Thread(target=self._flush, name=f"flush {path.name}", daemon=True)
        self._thread.start()

    def _flush(self) -> None:
        try:
            os.fsync(self._fd)
        except OSError as exc:
            self._error = exc

    def wait(self) -> None:
        """Wait for the flush; raises its OSError, if it had one. (Closing the descriptor drops this
        process's POSIX locks on the file, DuckDB's too: harmless for the working copy, which only
        the writer lock's holder ever opens.)"""
        if self._fd < 0:
            return
        self._thread.join()
        os.close(self._fd)
        self._fd = -1
        if self._error is not None:
            raise self._error


def swap_in(work: Path, live: Path, spare: Path, keep_replaced: bool = True) -> None:
    """Make `work` durable and put it in place of `live`, whose file stays on as `spare` (or is
    freed, with keep_replaced=False)."""
    fsync_path(work)
    remove_quietly(spare)
    if keep_replaced and live.exists():
        try:
            os.link(live, spare)
        except OSError as exc:        # a file system without hard links: the next write copies
            log.info("%s: not kept for the next write (%s)", live, exc)
    os.replace(work, live)
    fsync_path(live.parent)


def copy_changed_blocks(src: Path, dst: Path, block_bytes: int = BLOCK_BYTES,
                        chunk_bytes: int = CHUNK_BYTES, n_threads: int = 2) -> int:
    """Make dst byte-identical to src by rewriting only the blocks that differ (and cutting dst
    to src's length); returns the bytes written. dst must exist.

    Reading both files from the page cache is what it costs: the halves go to two threads (the
    reads and writes release the GIL). `chunk_bytes` (a multiple of the block) is how much is
    read and compared at once."""
    if chunk_bytes % block_bytes:
        raise ValueError("chunk_bytes must be a multiple of block_bytes")
    size = os.path.getsize(src)
    n_chunks = -(-size // chunk_bytes)
    bounds = [chunk_bytes * (n_chunks * i // n_threads) for i in range(n_threads + 1)]
    ranges = [(start, min(end, size)) for start, end in zip(bounds, bounds[1:]) if start < min(end, size)]
    src_fd, dst_fd = os.open(src, os.O_RDONLY), os.open(dst, os.O_RDWR)
    try:
        with ThreadPoolExecutor(max_workers=max(1, len(ranges))) as pool:
            n_written = sum(pool.map(lambda r: _copy_changed_range(src_fd, dst_fd, *r, block_bytes, chunk_bytes),
                                     ranges))
        os.ftruncate(dst_fd, size)
    finally:
        os.close(src_fd)
        os.close(dst_fd)
    return n_written


def _copy_changed_range(src_fd: int, dst_fd: int, start: int, end: int, block_bytes: int, chunk_bytes: int) -> int:
    ours, theirs = bytearray(chunk_bytes), bytearray(chunk_bytes)
    ours_view = memoryview(ours)
    n_written = 0
    for offset in range(start, end, chunk_bytes):
        n_src = os.preadv(src_fd, [ours_view[:min(chunk_bytes, end - offset)]], offset)
        n_dst = os.preadv(dst_fd, [theirs], offset)
        # bytearray == bytearray is one memcmp; slices of a memoryview compare item by item
        # (ten times slower), so only a chunk that differs is looked into block by block.
        if n_src != n_dst or ours != theirs:
            for block in range(0, n_src, block_bytes):
                block_end = min(block + block_bytes, n_src)
                if block_end > n_dst or ours[block:block_end] != theirs[block:block_end]:
                    n_written += os.pwrite(dst_fd, ours_view[block:block_end], offset + block)
    return n_written


# struct flock on 64-bit Linux: l_type, l_whence (short), l_start, l_len (off_t), l_pid (int).
def _whole_file_lock(lock_type: int) -> bytes:
    return struct.pack("hhqqi4x", lock_type, os.SEEK_SET, 0, 0, 0)


_OFD_SETLK = getattr(fcntl, "F_OFD_SETLK", None)     # Linux only; None without fcntl too


class LockConflict(Exception):
    """A writer holds the file's lock for a moment, to see whether it may reuse the file."""


_CONFLICT = (errno.EAGAIN, errno.EACCES)


def hold_read_lock(path: Path) -> int:
    """Open `path` with a shared open-file-description lock; it lasts until the returned descriptor
    is closed. Readers hold it so that no writer reuses their file (see nobody_has_open)."""
    fd = os.open(path, os.O_RDONLY)
    if _OFD_SETLK is not None:
        try:
            fcntl.fcntl(fd, _OFD_SETLK, _whole_file_lock(fcntl.F_RDLCK))
        except OSError as exc:
            os.close(fd)
            if exc.errno in _CONFLICT:
                raise LockConflict(str(path)) from exc
            raise
    return fd


def nobody_has_open(path: Path) -> bool:
    """True when no reader, in any process, has `path` open.

    Readers from `connect_read` hold hold_read_lock's lock. Other DuckDB connections hold a POSIX
    record lock (shared when read-only), but a process drops all its POSIX locks on a file when it
    closes any descriptor of it, so a writer that copied the live file would have dropped its own
    process's readers' locks: hence the lock of our own. An open-file-description write lock
    conflicts with both kinds, in this process too."""
    if _OFD_SETLK is None:         # not Linux: no way to tell, so never reuse
        return False
    fd = os.open(path, os.O_RDWR)
    try:
        fcntl.fcntl(fd, _OFD_SETLK, _whole_file_lock(fcntl.F_WRLCK))
    except OSError as exc:
        if exc.errno in (*_CONFLICT, errno.EINVAL):
            return False
        raise
    finally:
        os.close(fd)
    return True


def remove_quietly(path: Path) -> None:
    try:
        path.unlink()
    except FileNotFoundError:
        pass


def fsync_path(path: Path) -> None:
    """fsync a file, or a directory (to make a rename in it durable)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
