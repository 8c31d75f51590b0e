"""A one-line "still working" indicator on the terminal for steps that report no progress of
their own (detection, the weekly report): the label, a spinner and the seconds elapsed.

Silent when stderr is not a terminal (cron, pipes) or with --quiet; the last line says how long
the step took, so a slow step is visible, not only felt.
"""
from __future__ import annotations

import sys
import threading
import time
from contextlib import contextmanager
from typing import Iterator, TextIO

FRAMES = "|/-\\"
TICK_SECONDS = 0.25


@contextmanager
def working(label: str, enabled: bool = True, stream: TextIO | None = None) -> Iterator[None]:
    stream = stream or sys.stderr
    if not enabled or not stream.isatty():
        yield
        return
    start = time.monotonic()
    stop = threading.Event()

    def tick() -> None:
        n = 0
        while True:
            stream.write(f"\r{label} {FRAMES[n % len(FRAMES)]} {time.monotonic() - start:.0f} s ")
            stream.flush()
            n += 1
            if stop.wait(TICK_SECONDS):
                return

    thread = threading.Thread(target=tick, daemon=True, name="safetyops-progress")
    thread.start()
    ok = False
    try:
        yield
        ok = True
    finally:
        stop.set()
        thread.join()
        outcome = "done" if ok else "stopped"
        stream.write(f"\r{label}: {outcome} in {time.monotonic() - start:.1f} s   \n")
        stream.flush()
