"""Progress bars: one long DuckDB statement, fed by the connection's own query progress; and a
file read in blocks by Python (a transcoding copy), fed by the bytes read.

DuckDB reports progress for the running query through `query_progress()`, which another thread may
call while the statement runs; tqdm draws it. DuckDB tracks progress only while the connection's
`enable_progress_bar` is on, and warehouse connections turn it off (core/warehouse.py): the bar
turns it on for its statement, with DuckDB's own printing off, and back off after. Disabled (no
thread, no setting changed, no output) when not wanted or not on a terminal (cron).
"""
from __future__ import annotations

import sys
import threading
from contextlib import contextmanager
from typing import Callable, Iterator

import duckdb
from tqdm import tqdm


class QueryProgress:
    def __init__(self, con: duckdb.DuckDBPyConnection, description: str, enabled: bool,
                 interval: float = 0.2) -> None:
        self.con, self.description, self.interval = con, description, interval
        self.enabled = enabled and sys.stderr.isatty()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def __enter__(self) -> "QueryProgress":
        if self.enabled:
            self.con.execute("SET enable_progress_bar_print = false")
            self.con.execute("SET enable_progress_bar = true")
            self._thread = threading.Thread(target=self._poll, daemon=True)
            self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self.con.execute("SET enable_progress_bar = false")

    def _poll(self) -> None:
        with tqdm(total=100, desc=self.description, unit="%", leave=False, file=sys.stderr,
                  bar_format="{desc}: {percentage:3.0f}%|{bar}| {elapsed}") as bar:
            while not self._stop.wait(self.interval):
                try:
                    pct = self.con.query_progress()
                except duckdb.Error:
                    continue
                if pct is not None and pct >= 0:
                    bar.n = min(100.0, float(pct))
                    bar.refresh()


@contextmanager
def byte_progress(description: str, total_bytes: int, enabled: bool) -> Iterator[Callable[[int], None]]:
    """A callback to hand each block's size to; it draws a bar only when enabled and on a terminal."""
    if not (enabled and sys.stderr.isatty()):
        yield lambda n: None
        return
    with tqdm(total=total_bytes, desc=description, unit="B", unit_scale=True, leave=False, file=sys.stderr) as bar:
        yield bar.update
