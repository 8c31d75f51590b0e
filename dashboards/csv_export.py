"""CSV downloads that are safe to open in a spreadsheet (the neutraliser lives in core/csv_safe.py,
shared with the command line's --format csv)."""
from __future__ import annotations

import re

import pandas as pd

from core.csv_safe import frame_to_csv, neutralise_cell, neutralise_frame  # noqa: F401  (re-exported)

_SAFE_FILE_CHARS = re.compile(r"[^A-Za-z0-9_.-]+")


def download_payload(df: pd.DataFrame, name: str, zone: str | None = None) -> dict:
    """What dcc.Download's `data` takes: the CSV text and a safe file name. With `zone`, instants
    are written in that zone with their offset ('2026-08-22 02:24:00-03:00'), as the page shows
    them, not in UTC."""
    filename = _SAFE_FILE_CHARS.sub("_", name).strip("_") or "data"
    return {"content": frame_to_csv(in_zone(df, zone) if zone else df), "filename": f"{filename}.csv",
            "type": "text/csv"}


def in_zone(df: pd.DataFrame, zone: str) -> pd.DataFrame:
    instants = [c for c in df.columns if isinstance(df[c].dtype, pd.DatetimeTZDtype)]
    if not instants:
        return df
    return df.assign(**{c: df[c].dt.tz_convert(zone) for c in instants})
