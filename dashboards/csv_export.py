"""CSV downloads that are safe to open in a spreadsheet (the neutraliser lives in core/csv_safe.py,
shared with the command line's --format csv)."""
from __future__ import annotations

import re

import pandas as pd

from core.csv_safe import frame_to_csv, neutralise_cell, neutralise_frame  # noqa: F401  (re-exported)

_SAFE_FILE_CHARS = re.compile(r"[^A-Za-z0-9_.-]+")


def download_payload(df: pd.DataFrame, name: str) -> dict:
    """What dcc.Download's `data` takes: the CSV text and a safe file name."""
    filename = _SAFE_FILE_CHARS.sub("_", name).strip("_") or "data"
    return {"content": frame_to_csv(df), "filename": f"{filename}.csv", "type": "text/csv"}
