"""CSV that is safe to open in a spreadsheet, for the pages' downloads and the CLI's --format csv.

A cell starting with = + - @ (or a tab / carriage return) is read as a formula by Excel and
LibreOffice; such text cells get a leading apostrophe so they show as text. Numbers stay numbers:
a negative change of -0.2 is data, not a formula.
"""
from __future__ import annotations

import pandas as pd

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


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
