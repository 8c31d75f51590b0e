"""CSV downloads that are safe to open in a spreadsheet.

A cell starting with = + - @ (or a tab / carriage return) is read as a formula by Excel and
LibreOffice; such text cells get a leading apostrophe so they show as text. Numbers stay numbers:
a negative change of -0.2 is data, not a formula.
"""
from __future__ import annotations

import re

import pandas as pd

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_SAFE_FILE_CHARS = re.compile(r"[^A-Za-z0-9_.-]+")


def neutralise_cell(value):
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def neutralise_frame(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    for col in out.columns:
        if not (pd.api.types.is_numeric_dtype(out[col]) or pd.api.types.is_bool_dtype(out[col])
                or pd.api.types.is_datetime64_any_dtype(out[col])):
            out[col] = out[col].map(neutralise_cell).astype(object)
    out.columns = [neutralise_cell(str(c)) for c in out.columns]
    return out


def frame_to_csv(df: pd.DataFrame) -> str:
    return neutralise_frame(df).to_csv(index=False)


def download_payload(df: pd.DataFrame, name: str) -> dict:
    """What dcc.Download's `data` takes: the CSV text and a safe file name."""
    filename = _SAFE_FILE_CHARS.sub("_", name).strip("_") or "data"
    return {"content": frame_to_csv(df), "filename": f"{filename}.csv", "type": "text/csv"}
