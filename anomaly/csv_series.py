"""`detect-csv`: read any user's series from CSV, run the detector, write every row back out.

Timestamps as they come: gaps, duplicates, DST jumps and jitter are put on the inferred step
(anomaly/regular_grid.py); what was done is said in `notes`. The series is a count (non-negative
integers: negative-binomial band, spikes up) or a level (anything else: robust normal band, both
directions), inferred from the values or given. Each alert (anomalous points no further apart than
the merge gap the warehouse scan uses) gets one `alert_id` on all its rows, and its severity.
"""
from __future__ import annotations

import csv
import io
import json
import math
import re
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd

from anomaly.alerts import build_alerts
from anomaly.baseline import first_verdict_days
from anomaly.coarse_steps import history_needed as coarse_history_needed, is_coarse, judged_as
from anomaly.detector import evaluate_points, looks_like_counts
from anomaly.period_labels import period_starts
from anomaly.regular_grid import step_name, to_grid
from anomaly.series_text import SeriesFileError, SeriesTable, read_table, series_columns, strip_unit
from anomaly.settings import DetectorSettings
from core.number_formats import as_float, is_missing_value, number_format_of

OUTPUT_COLUMNS = ("timestamp", "value", "expected", "lower", "upper", "score", "is_anomaly", "alert_id", "severity")
DELIMITERS = {"auto": None, "comma": ",", "semicolon": ";", "tab": "\t"}   # --delimiter choices
KINDS = ("count", "level")
MAX_MAGNITUDE = 1e100      # squares and sums of squares of values stay finite in float64
_EPOCH_SECONDS = re.compile(r"[1-9]\d{9}(\.\d+)?")          # 2001-09-09 .. 2286
_EPOCH_MILLISECONDS = re.compile(r"[1-9]\d{12}")
_EPOCH_UNITS = {"s": "seconds", "ms": "milliseconds"}
_COMPACT_HOUR = re.compile(r"(19|20)\d{2}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])([01]\d|2[0-3])")   # 2026030114
_BOUND = re.compile(r"[<>]=?\s*(\d[\d.,]*)")                      # <1, >1000, >= 5
_NUMERIC_DATE = re.compile(r"\s*(\d{1,2})[/.-](\d{1,2})[/.-]\d{2,4}\b")


@dataclass(frozen=True)
class CsvDetection:
    frame: pd.DataFrame          # one row per distinct timestamp, in time order (OUTPUT_COLUMNS)
    notes: tuple[str, ...]       # what was done to the timestamps, and whether there was enough history
    kind: str                    # count | level
    step_seconds: float


def read_series_csv(path: Path, time_col: str | None = None, value_col: str | None = None,
                    delimiter: str | None = None, dayfirst: bool = False,
                    table: SeriesTable | None = None) -> tuple[pd.Series, list[str], list[str]]:
    """The series (UTC-naive DatetimeIndex, file order), the timestamps exactly as written, and
    notes on how they and the values were read. `delimiter` None = sniffed from the header line
    (comma, semicolon or tab). Columns not named: `timestamp` and `value` or their usual names
    in any case, or the two columns of a two-column file (anomaly/series_text.py). `table`: the
    file as `read_table` read it already (one series of several in it)."""
    path = Path(path)
    if table is None:
        if not path.is_file():
            raise SeriesFileError(f"{path}: file not found" if not path.exists() else f"{path}: not a file")
        table = read_table(path, delimiter)
    notes = list(table.notes)
    time_cols, value_col = series_columns(path, table.columns, time_col, value_col, notes)
    if not table.rows:
        raise SeriesFileError(f"{path}: no data rows")
    at_times, at_value = [table.columns.index(c) for c in time_cols], table.columns.index(value_col)
    time_col = " ".join(time_cols)
    rows, lines = _rows_with_a_time(path, table.rows, table.lines, at_times, time_col, notes)
    raw_times = [" ".join(row[i].strip() for i in at_times) for row in rows]
    index = _parse_times(path, time_col, raw_times, dayfirst, notes, lines)
    raw_values, n_bounds = _bounds_as_values([row[at_value].strip() for row in rows])
    if n_bounds:
        notes.append(f"{n_bounds} {value_col} value(s) written as a bound ('<1', '>1000': below or above what the "
                     "source reports) read as the bound")
    raw_values, unit = strip_unit(path, value_col, raw_values, lines)
    if unit:
        notes.append(f"every {value_col} carries the unit {unit!r}: read without it")
    decimal_mark, grouped = number_format_of(raw_values, table.delimiter)
    if decimal_mark == "," or grouped:
        notes.append(f"{value_col} read with " + ("the decimal comma (12,5)" if decimal_mark == ","
                                                          else "thousands separators (1,234.5)"))
    values = _parse_values(path, value_col, raw_values, lines, decimal_mark)
    return pd.Series(values, index=index, name=value_col), raw_times, notes


def _rows_with_a_time(path: Path, rows: list[list[str]], lines: list[int], at_times: list[int], time_col: str,
                      notes: list[str]) -> tuple[list[list[str]], list[int]]:
    """The rows whose time cell is not blank. A report export ends with a total row that has no
    time (Google Analytics: `,"440,000"`); such rows cannot be placed in the series, so they are
    left out and named in a note rather than refusing the file."""
    has_time = [any(row[j].strip() for j in at_times) for row in rows]
    if all(has_time):
        return rows, lines
    if not any(has_time):
        raise SeriesFileError(f"{path}: every {time_col} cell is blank")
    left_out = [line for line, kept in zip(lines, has_time) if not kept]
    shown = ", ".join(map(str, left_out[:5])) + (", ..." if len(left_out) > 5 else "")
    notes.append(f"{len(left_out)} row(s) with a blank {time_col} left out (line {shown}: a total or footer row?)")
    return ([row for row, kept in zip(rows, has_time) if kept],
            [line for line, kept in zip(lines, has_time) if kept])


def _parse_times(path: Path, col: str, raw: list[str], dayfirst: bool, notes: list[str],
                 lines: list[int]) -> pd.DatetimeIndex:
    raw_series = pd.Series(raw)
    periods = period_starts(raw)
    if periods is not None:
        notes.append(f"{col} read as {periods[1]}")
        return periods[0]
    if _compact_hours(raw):
        notes.append(f"{col} read as yyyymmddhh (2026030114 is 1 March 2026, 14:00)")
        return pd.DatetimeIndex(pd.to_datetime(raw_series, format="%Y%m%d%H"))
    unit = _epoch_unit(raw)
    if unit:
        notes.append(f"{col} read as Unix time in {_EPOCH_UNITS[unit]} (UTC)")
        return pd.DatetimeIndex(pd.to_datetime(raw_series.astype(float), unit=unit))
    # ISO 8601 first, whatever --dayfirst says: year-first dates are never day-first, and the
    # fallback parser would read 2026-01-02 as 1 February when asked for day-first dates.
    parsed = pd.to_datetime(raw_series, errors="coerce", utc=True, format="ISO8601")
    not_iso = parsed.isna()
    if not_iso.any():
        day_first = _day_first(path, col, raw, np.flatnonzero(not_iso.to_numpy()), dayfirst, lines)
        if day_first and not dayfirst:
            notes.append(f"{col} read day-first (01/03/2026 is 1 March): some dates cannot be month-first")
        parsed[not_iso] = pd.to_datetime(raw_series[not_iso], errors="coerce", utc=True, format="mixed",
                                         dayfirst=day_first)
    bad = np.flatnonzero(parsed.isna().to_numpy())
    if bad.size:
        i = int(bad[0])
        raise SeriesFileError(f"{path}: line {lines[i]}: {col} {raw[i]!r} is not a timestamp "
                              "(use ISO 8601, e.g. 2026-03-01 14:00 or 2026-03-01T14:00:00Z; "
                              "--dayfirst for 01/03/2026)")
    return pd.DatetimeIndex(parsed.dt.tz_localize(None))


_ZONE_SUFFIX = re.compile(r".*\d:\d\d(:\d\d(\.\d+)?)?\s*(Z|UTC|[+-]\d\d(:?\d\d)?)", re.IGNORECASE)


def _carry_zone(raw_times: list[str]) -> bool:
    """Whether the timestamps are instants (an offset, Z, or Unix time) rather than local wall-clock
    times, judged on the first and last (a file writes its times one way)."""
    ends = [t.strip() for t in (raw_times[0], raw_times[-1])] if raw_times else []
    return bool(ends) and all(t.isdigit() or _ZONE_SUFFIX.fullmatch(t) for t in ends)


def _day_first(path: Path, col: str, raw: list[str], rows: np.ndarray, dayfirst: bool, lines: list[int]) -> bool:
    """Whether the numeric dates (01/03/2026, 1.3.2026) are day-first: as asked, or because one of
    them cannot be month-first. Dates of both orders in one file are an error naming a line:
    reading each as it fits would put rows in the wrong month."""
    first_over_12 = second_over_12 = None
    for i in rows:
        m = _NUMERIC_DATE.match(raw[i])
        if m and int(m.group(1)) > 12 and first_over_12 is None:
            first_over_12 = i
        if m and int(m.group(2)) > 12 and second_over_12 is None:
            second_over_12 = i
    if first_over_12 is not None and second_over_12 is not None:
        raise SeriesFileError(f"{path}: dates in both orders: line {lines[first_over_12]} {col} "
                              f"{raw[first_over_12]!r} is day-first, line {lines[second_over_12]} "
                              f"{raw[second_over_12]!r} month-first")
    if dayfirst and second_over_12 is not None:
        raise SeriesFileError(f"{path}: line {lines[second_over_12]}: {col} {raw[second_over_12]!r} cannot be "
                              "day-first (--dayfirst was given)")
    return dayfirst or first_over_12 is not None


def _epoch_unit(raw: list[str]) -> str | None:
    """"s" or "ms" when every timestamp is a Unix time (as monitoring exports write them) between
    2001 and 2286 in that unit; None otherwise."""
    for unit, pattern in (("s", _EPOCH_SECONDS), ("ms", _EPOCH_MILLISECONDS)):
        if raw and all(pattern.fullmatch(t) for t in raw):
            return unit
    return None


def _compact_hours(raw: list[str]) -> bool:
    """Whether 10-digit timestamps are yyyymmddhh rather than Unix seconds (both readings exist for
    2026030114): every one is a valid yyyymmddhh, and as seconds the distinct values would mostly be
    less than the detector's 5-minute step apart (consecutive hours are 1 apart as yyyymmddhh)."""
    if not raw or not all(_COMPACT_HOUR.fullmatch(t) for t in raw):
        return False
    gaps = np.diff(np.unique(np.array(raw, dtype=np.int64)))
    return gaps.size > 0 and float(np.median(gaps)) < 300


def _bounds_as_values(cells: list[str]) -> tuple[list[str], int]:
    """Cells such as Google Trends' `<1` or a capped export's `>1000` without their sign (their
    bound), and how many there were."""
    out, n = [], 0
    for cell in cells:
        m = _BOUND.fullmatch(cell)
        out.append(m.group(1) if m else cell)
        n += m is not None
    return out, n


def _parse_values(path: Path, col: str, raw: list[str], lines: list[int], decimal_mark: str = ".") -> np.ndarray:
    """Numbers, read with the file's decimal mark (core/number_formats.as_float); an empty cell is a
    missing value (the detector skips it), as are the usual markers (core/number_formats.MISSING_VALUES);
    anything else is an error."""
    out = np.empty(len(raw))
    for i, text in enumerate(raw):
        if is_missing_value(text):
            out[i] = np.nan
            continue
        try:
            out[i] = as_float(text, decimal_mark)
        except ValueError:
            raise SeriesFileError(f"{path}: line {lines[i]}: {col} {text!r} is not a number") from None
        if not math.isfinite(out[i]):
            raise SeriesFileError(f"{path}: line {lines[i]}: {col} {text!r} is not a finite number")
        if abs(out[i]) > MAX_MAGNITUDE:
            raise SeriesFileError(f"{path}: line {lines[i]}: {col} {text!r} is beyond +-{MAX_MAGNITUDE:g}, "
                                  "too large to judge (its square would overflow)")
    return out


def kind_settings(kind: str, s: DetectorSettings) -> DetectorSettings:
    """Counts: negative binomial, spikes up (as configured). Levels: robust normal band, both ways,
    with the level floors (`level_min_excess`, `level_min_rise_pct`) for the count ones."""
    if kind == "count":
        return replace(s, count_model="counts")
    return replace(s, count_model="continuous", direction="both", min_excess=s.level_min_excess,
                   min_rise_pct=s.level_min_rise_pct)


def detect_csv(path: Path, time_col: str | None = None, value_col: str | None = None,
               settings: DetectorSettings | None = None, kind: str | None = None,
               delimiter: str | None = None, dayfirst: bool = False,
               table: SeriesTable | None = None) -> CsvDetection:
    """Verdicts and alerts for the series in `path`, one output row per distinct timestamp
    (`table`: the file already read, as read_series_csv takes it)."""
    s = settings or DetectorSettings()
    series, raw_times, read_notes = read_series_csv(path, time_col, value_col, delimiter, dayfirst, table)
    values = series.to_numpy(dtype=float)
    if kind is None:
        kind, kind_note = inferred_kind(values)
        read_notes = read_notes + ([kind_note] if kind_note else [])
    if kind not in KINDS:
        raise SeriesFileError(f"{path}: kind {kind!r}; valid: {', '.join(KINDS)}")
    s = kind_settings(kind, s)
    grid = to_grid(series.index, values, kind == "count", str(path), local_time=not _carry_zone(raw_times))
    judged_step, judged_settings = judged_as(grid.step_seconds, s)
    v = evaluate_points(grid.values, judged_step, judged_settings, is_counts=kind == "count")
    # One output row per grid point that some row landed on, labelled with the earliest such row's
    # text (the one whose value an irregular level keeps; file order where times tie).
    by_time = np.argsort(series.index.to_numpy(), kind="stable")
    firsts = pd.Series(by_time).groupby(grid.row_point[by_time]).first()
    points = firsts.index.to_numpy()
    printed_time = dict(zip(points, (raw_times[i] for i in firsts.to_numpy())))
    alert_id, severity = _alert_columns(grid, v, s, printed_time)
    frame = pd.DataFrame({
        "timestamp": [printed_time[p] for p in points], "value": grid.values[points],
        "expected": v.expected[points, 0], "lower": v.lower[points, 0], "upper": v.upper[points, 0],
        "score": v.score[points, 0], "is_anomaly": v.is_anomaly[points, 0],
        "alert_id": alert_id[points], "severity": severity[points],
    })
    notes = read_notes + list(grid.notes)
    if is_coarse(grid.step_seconds):
        notes.append(f"{step_name(grid.step_seconds)} steps: each period judged against the mean of the "
                     f"{s.coarse_level_steps} before it (no cycle within a period, no yearly cycle)")
    if not np.any(~np.isnan(v.lower[:, 0])):
        notes.append(f"too short for a baseline: no verdict on any of {len(points)} timestamps "
                     f"({_history_needed(grid.step_seconds, s)})")
    return CsvDetection(frame, tuple(notes), kind, grid.step_seconds)


# Counts of independent events vary at least as much as Poisson counts (variance >= mean); our
# generators' count series, from 3 a day to 3,000 an hour, sparse and bursty included, sit at
# 0.97-6.5 by the measure below. Whole numbers that vary far less are readings in whole units (a
# speed in mph, a CPU percent, a team's capacity-bound solved per day), and a level's band fits them,
# both ways: as counts, a speed that collapses would never page.
MIN_COUNT_DISPERSION = 0.5
MIN_POINTS_FOR_DISPERSION = 50


def inferred_kind(values: np.ndarray) -> tuple[str, str | None]:
    """"count" or "level" from the values, and a note when whole numbers are read as a level."""
    if not looks_like_counts(values):
        return "level", None
    dispersion = successive_dispersion(values)
    if dispersion is not None and dispersion < MIN_COUNT_DISPERSION:
        return "level", (f"whole numbers, but they vary far less than counts of events do (variance "
                         f"{dispersion:.2f}x their mean, counts >= 1): judged as a level, both ways "
                         "(--kind count to judge them as counts)")
    return "count", None


def successive_dispersion(values: np.ndarray) -> float | None:
    """Half the mean squared step-to-step change over the mean: about 1 for Poisson counts, more
    for over-dispersed or cycling ones (a slow change in the mean only adds to it). None where there
    are too few points, or nothing but zeros, to say."""
    v = values[~np.isnan(values)]
    if v.size < MIN_POINTS_FOR_DISPERSION or v.mean() <= 0:
        return None
    return float(np.mean(np.diff(v) ** 2) / 2 / v.mean())


def _history_needed(step_seconds: float, s: DetectorSettings) -> str:
    if is_coarse(step_seconds):
        return coarse_history_needed(step_name(step_seconds), s)
    if step_seconds >= 86_400:
        return f"a daily series needs {s.daily_min_history_days} days and {s.daily_min_residuals} more to measure its noise"
    return (f"a series at this step needs at least {s.min_history_points} points and about "
            f"{first_verdict_days(s):g} days of history")


def _alert_columns(grid, v, s: DetectorSettings, printed_time: dict) -> tuple[np.ndarray, np.ndarray]:
    """Per grid point: the id of the alert it belongs to and its severity. The id is the onset's
    timestamp as printed on the alert's first row (with its offset, as the file wrote it), so a user
    can search the output, or the file, for it."""
    n = len(grid.index)
    alert_id = np.full(n, "", dtype=object)
    severity = np.full(n, "", dtype=object)
    alerts = build_alerts(grid.index, grid.values, v.expected[:, 0], v.lower[:, 0], v.upper[:, 0],
                          v.p_value[:, 0], v.score[:, 0], v.is_anomaly[:, 0], v.sign[:, 0],
                          grid.step_seconds, v.is_counts, s)
    for a in alerts:
        first, last = grid.index.get_loc(a.start), grid.index.get_loc(a.end)
        alert_id[first:last + 1] = printed_time.get(first) or a.start.isoformat()
        severity[first:last + 1] = a.severity
    return alert_id, severity


def _printed(row: dict) -> dict:
    numbers = {c: _num(row[c]) for c in ("value", "expected", "lower", "upper", "score")}
    return {**row, **numbers, "is_anomaly": bool(row["is_anomaly"]), "alert_id": row["alert_id"] or None,
            "severity": row["severity"] or None}


def _num(v: float) -> float | None:
    # (+ 0.0: a score of -1e-12 would print as -0.0)
    return None if v is None or (isinstance(v, float) and math.isnan(v)) else round(float(v), 6) + 0.0


def render(frame: pd.DataFrame, fmt: str) -> str:
    """CSV or JSON rows of OUTPUT_COLUMNS, after a `series` column where the frame has one
    (anomaly/csv_columns.py)."""
    columns = (("series",) if "series" in frame.columns else ()) + OUTPUT_COLUMNS
    rows = [_printed(dict(zip(columns, values))) for values in frame[list(columns)].itertuples(index=False)]
    if fmt == "json":
        return json.dumps(rows, indent=1) + "\n"
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(columns)
    for r in rows:
        writer.writerow(["" if r[c] is None else ("true" if r[c] is True else "false" if r[c] is False
                                                  else r[c]) for c in columns])
    return buf.getvalue()
