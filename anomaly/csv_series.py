"""`detect-csv`: read any user's series from CSV, run the detector, write every row back out."""
from __future__ import annotations

import csv
import io
import json
import math
from pathlib import Path

import numpy as np
import pandas as pd

from anomaly.detector import detect_series
from anomaly.settings import DetectorSettings
from core.errors import InputError

OUTPUT_COLUMNS = ("timestamp", "value", "expected", "lower", "upper", "score", "is_anomaly")


class SeriesFileError(InputError):
    """The CSV cannot be read as one regular time series; the message names line and value."""


def read_series_csv(path: Path, time_col: str = "timestamp", value_col: str = "value") -> tuple[pd.Series, list[str]]:
    """The series (UTC-naive DatetimeIndex) and the timestamps exactly as written in the file."""
    path = Path(path)
    if not path.exists():
        raise SeriesFileError(f"{path}: file not found")
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, skipinitialspace=True)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise SeriesFileError(f"{path}: not a readable CSV ({exc})") from exc
    for col in (time_col, value_col):
        if col not in frame.columns:
            raise SeriesFileError(f"{path}: no column {col!r}; columns are {', '.join(frame.columns)}")
    if frame.empty:
        raise SeriesFileError(f"{path}: no data rows")
    raw_times = frame[time_col].str.strip().tolist()
    index = _parse_times(path, time_col, raw_times)
    values = _parse_values(path, value_col, frame[value_col].str.strip().tolist())
    return pd.Series(values, index=index, name=value_col), raw_times


def _parse_times(path: Path, col: str, raw: list[str]) -> pd.DatetimeIndex:
    parsed = pd.to_datetime(pd.Series(raw), errors="coerce", utc=True, format="ISO8601")
    bad = np.flatnonzero(parsed.isna().to_numpy())
    if bad.size:
        parsed = pd.to_datetime(pd.Series(raw), errors="coerce", utc=True, format="mixed")
        bad = np.flatnonzero(parsed.isna().to_numpy())
    if bad.size:
        i = int(bad[0])
        raise SeriesFileError(f"{path}: line {i + 2}: {col} {raw[i]!r} is not a timestamp "
                              "(use ISO 8601, e.g. 2026-03-01 14:00 or 2026-03-01T14:00:00Z)")
    return pd.DatetimeIndex(parsed.dt.tz_localize(None))


def _parse_values(path: Path, col: str, raw: list[str]) -> np.ndarray:
    """Numbers; an empty cell is a missing value (the detector skips it), anything else is an error."""
    out = np.empty(len(raw))
    for i, text in enumerate(raw):
        if text == "" or text.lower() in ("na", "nan", "null"):
            out[i] = np.nan
            continue
        try:
            out[i] = float(text)
        except ValueError:
            raise SeriesFileError(f"{path}: line {i + 2}: {col} {text!r} is not a number") from None
        if not math.isfinite(out[i]):
            raise SeriesFileError(f"{path}: line {i + 2}: {col} {text!r} is not a finite number")
    return out


def detect_csv(path: Path, time_col: str = "timestamp", value_col: str = "value",
               settings: DetectorSettings | None = None) -> pd.DataFrame:
    """One output row per input row: timestamp (as written), value, expected, lower, upper, score, is_anomaly."""
    series, raw_times = read_series_csv(path, time_col, value_col)
    result = detect_series(series, settings, source=str(path), first_line=2)   # line 1 is the header
    return pd.DataFrame({
        "timestamp": raw_times, "value": series.to_numpy(),
        "expected": result["expected"].to_numpy(), "lower": result["lower"].to_numpy(),
        "upper": result["upper"].to_numpy(), "score": result["score"].to_numpy(),
        "is_anomaly": result["is_anomaly"].to_numpy(dtype=bool),
    })


def _num(v: float) -> float | None:
    return None if v is None or (isinstance(v, float) and math.isnan(v)) else round(float(v), 6)


def render(frame: pd.DataFrame, fmt: str) -> str:
    rows = [{
        "timestamp": t, "value": _num(v), "expected": _num(e), "lower": _num(lo), "upper": _num(up),
        "score": _num(sc), "is_anomaly": bool(a),
    } for t, v, e, lo, up, sc, a in frame[list(OUTPUT_COLUMNS)].itertuples(index=False)]
    if fmt == "json":
        return json.dumps(rows, indent=1) + "\n"
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(OUTPUT_COLUMNS)
    for r in rows:
        writer.writerow(["" if r[c] is None else ("true" if r[c] is True else "false" if r[c] is False
                                                  else r[c]) for c in OUTPUT_COLUMNS])
    return buf.getvalue()
