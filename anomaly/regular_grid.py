"""Put timestamps as they come (gaps, duplicates, DST jumps, jitter, irregular samples) on one
regular step.

Real exports skip a timestamp, repeat one, jump an hour at a DST change, or arrive a few seconds
late. The step (5 minutes .. a quarter) is the median or the most common gap between consecutive
distinct timestamps, whichever more gaps are a multiple of; every timestamp is snapped to the
nearest point of the grid that starts at the first one. Grid points no row landed on stay missing
(NaN: no verdict, no influence on the baseline); rows that land on the same point are combined (sum
for counts, mean for levels). Data finer than 5 minutes (1-minute monitoring exports) is aggregated
to 5-minute steps; timestamps at irregular intervals (events, ad-hoc samples) are grouped into
steps. Weekly, fortnightly, monthly and quarterly series keep their step: a month is a step of
the mean month (30.44 days), and a calendar month's first day lands on its own grid point however
long the months before it were (the drift stays within two days). A series is refused only when no
step can be inferred (fewer than two timestamps, or timestamps further apart than a quarter), and
the error says why.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.errors import InputError

DAY = 86_400.0
MONTH = 365.2425 / 12 * DAY       # the mean calendar month
QUARTER = 3 * MONTH
MIN_STEP, MAX_STEP = 300.0, QUARTER
MIN_STEP_SHARE = 0.5    # at least half of the gaps must be (close to) a multiple of the step
USUAL_STEPS = np.array([300, 600, 900, 1800, 3600, 7200, 10800, 14400, 21600, 43200, DAY,
                        7 * DAY, 14 * DAY, MONTH, QUARTER], dtype=float)
CALENDAR_STEPS = (MONTH, QUARTER)     # months are not all one length: their timestamps are never "off" the step


class NoRegularStep(InputError):
    """No regular step between 5 minutes and a quarter can be inferred from the timestamps."""


@dataclass(frozen=True)
class Grid:
    index: pd.DatetimeIndex   # regular, first timestamp .. last, every step
    values: np.ndarray        # per grid point; NaN where no row landed
    row_point: np.ndarray     # per input row (in file order): its grid point
    step_seconds: float
    notes: tuple[str, ...]


def _seconds(index: pd.DatetimeIndex) -> np.ndarray:
    ticks = {"s": 1.0, "ms": 1e3, "us": 1e6, "ns": 1e9}[getattr(index, "unit", "ns")]
    return index.asi8.astype(float) / ticks


def step_and_share(times: np.ndarray, source: str) -> tuple[float, float]:
    """The step in seconds, and the share of gaps between distinct timestamps that are close (within
    a quarter step) to a multiple of it. Two candidates, each rounded to the minute and to a usual
    step (5, 10, 15, 30 minutes, 1, 2, 3, 4, 6, 12 hours, 1 day, 1 or 2 weeks, a month, a quarter)
    when within 10% of one: the median gap, and the most common gap. The one more gaps fit wins (the median on a tie): where most
    points are missing the median is two or three steps, and the most common gap is still one."""
    distinct = np.unique(times)
    if distinct.size < 2:
        raise NoRegularStep(f"{source}: need at least 2 distinct timestamps to infer the step, got {distinct.size}")
    gaps = np.diff(distinct)
    minutes, counts = np.unique(np.round(gaps / 60.0), return_counts=True)
    candidates = [_usual(np.round(np.median(gaps) / 60.0) * 60.0), _usual(minutes[np.argmax(counts)] * 60.0)]
    scored = [(_share_on_step(gaps, step), -i, step) for i, step in enumerate(candidates) if MIN_STEP <= step <= MAX_STEP]
    if not scored and candidates[0] > MAX_STEP:
        raise NoRegularStep(f"{source}: the timestamps are {_days(candidates[0])} apart ({candidates[0]:g} s); the "
                            "detector judges steps of 5 minutes .. a quarter (a yearly series has too few points "
                            "to learn its own noise from): export the series per quarter or finer")
    if not scored:          # irregular and finer than 5 minutes: no step fits (to_grid groups them)
        return MIN_STEP, 0.0
    share, _, step = max(scored)
    return float(step), float(share)


def _usual(step: float) -> float:
    nice = USUAL_STEPS[np.argmin(np.abs(USUAL_STEPS - step))]
    return float(nice) if abs(nice - step) <= 0.1 * nice else float(step)


def _share_on_step(gaps: np.ndarray, step: float) -> float:
    multiple = np.round(gaps / step)
    return float(np.mean((multiple >= 1) & (np.abs(gaps - multiple * step) <= step / 4)))


def _days(seconds: float) -> str:
    days = seconds / DAY
    return f"{days:.3g} days" + (" (yearly)" if 360 <= days <= 370 else "")


def step_name(step_seconds: float) -> str:
    """How a note names the step: "5-minute", "hourly", "daily", "weekly", "monthly"..."""
    named = {DAY: "daily", 7 * DAY: "weekly", 14 * DAY: "fortnightly", MONTH: "monthly", QUARTER: "quarterly",
             3600.0: "hourly"}
    if step_seconds in named:
        return named[step_seconds]
    return f"{step_seconds / 60:g}-minute" if step_seconds < 3600 else f"{step_seconds / 3600:g}-hour"


def finer_step(times: np.ndarray) -> float | None:
    """The gap between timestamps when it is regular and finer than the detector's 5 minutes
    (1-minute, 30-second monitoring data); None otherwise."""
    gaps = np.diff(np.unique(times))
    if gaps.size == 0:
        return None
    step = float(np.median(gaps))
    if not 0 < step < 0.9 * MIN_STEP:         # (a 5-minute series with jitter is not finer)
        return None
    multiple = np.round(gaps / step)
    close = (multiple >= 1) & (np.abs(gaps - multiple * step) <= step / 4)
    return step if close.mean() >= MIN_STEP_SHARE else None


def to_grid(index: pd.DatetimeIndex, values: np.ndarray, is_counts: bool, source: str = "series",
            local_time: bool = True) -> Grid:
    """Snap `index` (any order, gaps, duplicates) to its regular grid; combine rows on one point.
    Data finer than 5 minutes is aggregated to 5-minute steps (`_aggregated`). `local_time`: the
    timestamps carry no zone, so an hour written twice when clocks go back may be in them."""
    times = _seconds(index)
    fine = finer_step(times)
    if fine is not None:
        return _aggregated(times, values, is_counts, fine)
    step, share = step_and_share(times, source)
    if share < MIN_STEP_SHARE:
        return _irregular(times, values, is_counts, share)
    start = times.min()
    point = np.round((times - start) / step).astype(np.int64)
    off_grid = int(np.sum(np.abs(times - (start + point * step)) > 1e-6))
    frame = pd.DataFrame({"point": point, "value": values})
    combined = frame.groupby("point")["value"]
    per_point = combined.sum(min_count=1) if is_counts else combined.mean()
    notes = []
    repeats = _clocks_back_repeats(times, step) if local_time else np.zeros(len(times), dtype=bool)
    if is_counts and repeats.any():
        # Two readings of one local hour: each is an hour's count, so their mean is, their sum is not.
        repeated_points = np.unique(point[repeats])
        per_point.loc[repeated_points] = per_point.loc[repeated_points] / 2
        notes.append(f"{int(repeats.sum())} rows repeat an hour the file already had (clocks going back, local "
                     "time): each such hour's two readings averaged, not summed")
    n_dupes = len(point) - len(per_point) - (int(repeats.sum()) if is_counts else 0)
    if n_dupes:
        notes.append(f"{n_dupes} rows share a timestamp with another row after snapping to the step; "
                     f"{_combined(is_counts)}")
    if off_grid and step not in CALENDAR_STEPS:
        notes.append(f"{off_grid} timestamps were off the {step:g} s step (DST change or jitter) and snapped to it")
    return _grid(times, point, step, per_point, notes,
                 "{missing} of {n_points} timestamps are missing; they get no verdict (not treated as zero)")


def _clocks_back_repeats(times: np.ndarray, step: float) -> np.ndarray:
    """Per row: whether it repeats the hour a file in local time writes twice when clocks go back
    (... 02:50, 02:55, 02:00, 02:05 ...). In an otherwise ascending file, time steps back by
    exactly an hour less one step there, and the rows after it run over that hour again, in the
    small hours of a Sunday (when Europe, North America and Oceania turn their clocks back); an
    hourly row repeated at any other time is a duplicate, summed as any other."""
    repeat = np.zeros(len(times), dtype=bool)
    if step > 3600 or 3600 % step or len(times) < 2:
        return repeat
    back_by = times[:-1] + step - times[1:]
    jumps = np.flatnonzero(np.isclose(back_by, 3600.0))
    ascending = np.diff(times) >= 0
    ascending[jumps] = True
    if jumps.size == 0 or not ascending.all():
        return repeat
    for i in jumps:
        j = i + 1
        while j < len(times) and times[j] <= times[i]:
            j += 1
        if j - (i + 1) > 3600 / step:       # not one hour again (a file in reverse order, say)
            return np.zeros(len(times), dtype=bool)
        if _is_sunday_small_hours(times[i + 1]):
            repeat[i + 1:j] = True
    return repeat


def _is_sunday_small_hours(seconds: float) -> bool:
    moment = pd.Timestamp(seconds, unit="s")
    return moment.day_of_week == 6 and moment.hour < 4


def _aggregated(times: np.ndarray, values: np.ndarray, is_counts: bool, fine: float) -> Grid:
    """Steps of the fewest fine rows that make 5 minutes (5 minutes from 1-minute or 30-second
    data): counts summed, levels averaged. A step with some of its rows missing has its count
    scaled up to the full step (rounded), so that a gap does not read as a drop; one with fewer
    than half of them present is missing."""
    step = float(np.ceil(MIN_STEP / fine - 1e-9) * fine)
    point, per_point, present = _buckets(times, values, is_counts, step)
    expected_rows = step / fine
    if is_counts:
        per_point = np.round(per_point * np.maximum(1.0, expected_rows / present.clip(lower=1)))
    per_point = per_point[present >= expected_rows / 2]
    notes = [f"timestamps {fine:g} s apart: aggregated to {step / 60:g}-minute steps, {_combined(is_counts)}; one "
             "output row per step, labelled with its first timestamp"]
    return _grid(times, point, step, per_point, notes,
                 "{missing} of {n_points} steps have fewer than half their rows; they get no verdict")


def _irregular(times: np.ndarray, values: np.ndarray, is_counts: bool, share: float) -> Grid:
    """Timestamps at irregular intervals (events, samples taken whenever): grouped into the
    shortest usual step (5 minutes .. 1 day) at least twice their median gap (a day for sparser
    ones), so that most steps hold a row. A step no row fell in is missing, not zero: the rows may be samples of a level."""
    median_gap = float(np.median(np.diff(np.unique(times))))
    fitting = USUAL_STEPS[(USUAL_STEPS >= 2 * median_gap) & (USUAL_STEPS <= DAY)]
    step = float(fitting[0]) if fitting.size else DAY
    point, per_point, _ = _buckets(times, values, is_counts, step, levels_by="first")
    combined = _combined(is_counts) if is_counts else "each step's first sample kept (levels)"
    notes = [f"timestamps at irregular intervals (only {100 * share:.0f}% of the gaps fit one step): grouped into "
             f"{step / 60:g}-minute steps, {combined}; one output row per step, labelled with its "
             "first timestamp"]
    return _grid(times, point, step, per_point, notes,
                 "{missing} of {n_points} steps hold no row; they get no verdict (not treated as zero)")


def _buckets(times: np.ndarray, values: np.ndarray, is_counts: bool, step: float,
             levels_by: str = "mean") -> tuple[np.ndarray, pd.Series, pd.Series]:
    """Each row's step from the first timestamp on, the combined value per step, and its row count.
    Levels are averaged where every full step holds the same number of rows (finer data); samples
    taken at irregular times keep each step's first one (`levels_by="first"`), as a monitoring tool
    downsamples a gauge: a mean of 1 sample here and 4 there gives steps different noise, and the
    one-sample steps then cross a band set by the rest (i.i.d. samples paged 9 times a month, 2 now)."""
    point = np.floor((times - times.min()) / step).astype(np.int64)
    frame = pd.DataFrame({"point": point, "time": times, "value": values})
    by_point = frame.groupby("point")["value"]
    if is_counts:
        per_point = by_point.sum(min_count=1)
    elif levels_by == "first":
        per_point = frame.dropna(subset="value").sort_values("time", kind="stable").groupby("point")["value"].first()
    else:
        per_point = by_point.mean()
    return point, per_point, by_point.count()


def _combined(is_counts: bool) -> str:
    return "summed (counts)" if is_counts else "averaged (levels)"


def _grid(times: np.ndarray, point: np.ndarray, step: float, per_point: pd.Series, notes: list[str],
          missing_note: str) -> Grid:
    """The Grid from each row's point and the combined value per point; notes on order and gaps."""
    n_points = int(point.max()) + 1
    grid_values = np.full(n_points, np.nan)
    grid_values[per_point.index.to_numpy()] = per_point.to_numpy()
    if np.any(np.diff(times) < 0):
        notes.append("rows are not in time order; read in time order")
    missing = n_points - len(per_point)
    if missing:
        notes.append(missing_note.format(missing=missing, n_points=n_points))
    index = pd.DatetimeIndex(pd.to_datetime(times.min() + np.arange(n_points) * step, unit="s"))
    return Grid(index, grid_values, point, step, tuple(notes))
