"""Log lines for unattended runs: one line per event, UTC timestamp first, to stderr.

cron appends stderr to a file (`>> logs/refresh.log 2>&1`), so a multi-line message (an unknown
header lists every column) is folded onto one line to keep `grep` and `tail` useful.
"""
from __future__ import annotations

import logging
import sys
import time

LOGGER_NAME = "safetyops"


class OneLineUtcFormatter(logging.Formatter):
    converter = time.gmtime

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s", "%Y-%m-%dT%H:%M:%SZ")

    def format(self, record: logging.LogRecord) -> str:
        return " | ".join(part for part in super().format(record).splitlines() if part.strip())


def configure_logging(level: int = logging.INFO) -> logging.Logger:
    """Attach one stderr handler to the `safetyops` logger (idempotent: safe to call twice)."""
    logger = logging.getLogger(LOGGER_NAME)
    logger.setLevel(level)
    logger.propagate = False
    for handler in list(logger.handlers):
        if getattr(handler, "_safetyops", False):
            logger.removeHandler(handler)
    handler = logging.StreamHandler(sys.stderr)
    handler._safetyops = True  # type: ignore[attr-defined]
    handler.setFormatter(OneLineUtcFormatter())
    logger.addHandler(handler)
    return logger
