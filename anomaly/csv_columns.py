"""`detect-csv --each-column`: every column of a wide file but the timestamp, each its own series.
A BI tool's daily counts per abuse category, or Grafana's "series joined by time", put one series
per column; running the detector once per `--value-col` is what an analyst would otherwise do.
The output is detect-csv's, with a `series` column first; an alert is (series, alert_id)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from anomaly.csv_series import OUTPUT_COLUMNS, detect_csv
from anomaly.series_text import SeriesFileError, SeriesTable, read_table, time_columns
from anomaly.settings import DetectorSettings

MAX_SERIES = 500        # columns judged in one run: each is a whole detection


@dataclass(frozen=True)
class ColumnsDetection:
    frame: pd.DataFrame           # "series" then OUTPUT_COLUMNS, the series in the file's column order
    notes: tuple[str, ...]


def detect_each_column(path: Path, time_col: str | None = None, settings: DetectorSettings | None = None,
                       kind: str | None = None, delimiter: str | None = None,
                       dayfirst: bool = False, table: SeriesTable | None = None) -> ColumnsDetection:
    """A column whose cells are not numbers is left out with a note naming its first bad cell; a
    file where no column is left is an error. (`table`: the file already read.)"""
    path = Path(path)
    table = table or read_table(path, delimiter)
    times = time_columns(path, table.columns, time_col)
    columns = [c for c in table.columns if c not in times and c.strip()]
    if not columns:
        raise SeriesFileError(f"{path}: no column besides the timestamp")
    if len(columns) > MAX_SERIES:
        raise SeriesFileError(f"{path}: {len(columns):,} value columns; --each-column judges at most {MAX_SERIES} "
                              "(--value-col names one)")
    frames, notes_by_column, left_out = [], {}, []
    for column in columns:
        try:
            result = detect_csv(path, time_col, column, settings, kind, delimiter, dayfirst, table=table)
        except SeriesFileError as exc:
            left_out.append(f"column {column!r} left out: {str(exc).removeprefix(f'{path}: ')}")
            continue
        frames.append(result.frame.assign(series=column))
        notes_by_column[column] = [n for n in result.notes if "read as the value" not in n]
    if not frames:
        raise SeriesFileError(f"{path}: no column could be read as a series; " + "; ".join(left_out[:3]))
    return ColumnsDetection(pd.concat(frames, ignore_index=True)[["series", *OUTPUT_COLUMNS]],
                            tuple(_merged_notes(notes_by_column) + left_out))


def _merged_notes(notes_by_column: dict[str, list[str]]) -> list[str]:
    """Notes every series had (how the file was read) once; the others prefixed with their column."""
    shared = set.intersection(*(set(n) for n in notes_by_column.values()))
    out = [n for n in next(iter(notes_by_column.values())) if n in shared]
    return out + [f"{column}: {n}" for column, notes in notes_by_column.items() for n in notes if n not in shared]
