"""Reporting periods: the window a query covers, in the reporting zone, and its UTC edges.

Periods are local (config.reporting_timezone): a day is local midnight to local midnight, so a DST
change day lasts 23 or 25 hours; weeks are ISO weeks starting Monday. UTC instants of local
boundaries are computed by DuckDB's ICU (`timezone(tz, local)`), the same code that assigns
tickets to periods, so the window's edges and the periods inside it always agree.
"""
from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass
from typing import Any, Callable

import duckdb

from metrics.errors import InvalidQuery

# internal grain: the whole [date_from, date_to] as one period (KPI tiles, scorecards); with
# compare="previous" the equal-length window before it is a second period of the same query
WINDOW = "window"
STEPS = {"hour": "1 hour", "day": "1 day", "week": "7 days", "month": "1 month", WINDOW: "1 day"}
# Dates a window may name. Beyond them periods overflow Python's calendar (9999-12-31 + 1 day) and
# no help-desk export has tickets; a date outside is refused with this range in the message.
FIRST_DATE = dt.date(1900, 1, 1)
LAST_DATE = dt.date(2199, 12, 31)


@dataclass(frozen=True)
class Window:
    grain: str
    first_period: dt.datetime   # local, tz-naive start of the first period
    last_period: dt.datetime    # local start of the last period
    end_local: dt.datetime      # local end of the last period (exclusive)
    start_at: dt.datetime       # first_period as a UTC instant
    end_at: dt.datetime         # end_local as a UTC instant
    last_at: dt.datetime | None = None   # last_period as a UTC instant (None: same as start_at)

    def params(self, tz: str) -> dict:
        return {
            "tz": tz,
            "first_period": self.first_period,
            "last_period": self.last_period,
            "end_local": self.end_local,
            "start_at": self.start_at,
            "end_at": self.end_at,
            "last_at": self.start_at if self.last_at is None else self.last_at,
            "step": self._step(),
            "is_window": self.grain == WINDOW,
            # date_trunc needs a valid part even where the window branch is taken
            "trunc_part": "day" if self.grain == WINDOW else self.grain,
        }

    def _step(self) -> str:
        # a pair of whole windows (see with_previous_window) steps by the window's length
        if self.grain == WINDOW and self.last_period > self.first_period:
            return f"{(self.last_period - self.first_period).days} days"
        return STEPS[self.grain]


def period_floor(moment: dt.datetime, grain: str) -> dt.datetime:
    """Start of the period containing a local, tz-naive moment."""
    if grain == "hour":
        return moment.replace(minute=0, second=0, microsecond=0)
    day = dt.datetime(moment.year, moment.month, moment.day)
    if grain == "week":
        return day - dt.timedelta(days=day.weekday())
    if grain == "month":
        return day.replace(day=1)
    return day


def shift_period(start: dt.datetime, grain: str, periods: int) -> dt.datetime:
    """The period start `periods` periods later (negative: earlier)."""
    if grain == "hour":
        return start + dt.timedelta(hours=periods)
    if grain == "week":
        return start + dt.timedelta(weeks=periods)
    if grain == "month":
        months = start.year * 12 + start.month - 1 + periods
        return start.replace(year=months // 12, month=months % 12 + 1)
    return start + dt.timedelta(days=periods)


def make_window(con: duckdb.DuckDBPyConnection, tz: str, grain: str,
                date_from: dt.date, date_to: dt.date) -> Window:
    """The periods covering [date_from, date_to] (inclusive local dates)."""
    check_dates(date_from, date_to)
    if date_to < date_from:
        raise InvalidQuery(f"--to {date_to} is before --from {date_from}")
    start_day = dt.datetime.combine(date_from, dt.time())
    end_day = dt.datetime.combine(date_to, dt.time())
    if grain == WINDOW:
        first, last = start_day, start_day
        end_local = end_day + dt.timedelta(days=1)
    else:
        first = period_floor(start_day, grain)
        last = period_floor(end_day + dt.timedelta(days=1) - dt.timedelta(hours=1), grain)
        end_local = shift_period(last, grain, 1)
    start_at, last_at, end_at = _utc_instants(con, tz, first, last, end_local)
    return Window(grain, first, last, end_local, start_at, end_at, last_at)


def check_dates(*dates: dt.date | None) -> None:
    """Refuse a date outside FIRST_DATE..LAST_DATE (InvalidQuery naming it and the range)."""
    for d in dates:
        if d is not None and not FIRST_DATE <= d <= LAST_DATE:
            raise InvalidQuery(f"date {d.isoformat()} is out of range: dates from {FIRST_DATE} to {LAST_DATE} "
                               "are answered")


def period_count(first: dt.datetime, last: dt.datetime, grain: str) -> int:
    """How many periods of `grain` run from the one starting at `first` to the one at `last`."""
    if grain == "month":
        return (last.year - first.year) * 12 + last.month - first.month + 1
    step = {"hour": dt.timedelta(hours=1), "week": dt.timedelta(weeks=1)}.get(grain, dt.timedelta(days=1))
    return (last - first) // step + 1


def with_previous_window(con: duckdb.DuckDBPyConnection, tz: str, window: Window) -> Window:
    """A whole window and the equal-length window before it, as the two periods of one query.

    The earlier window becomes the first period and the given one the last, so every
    kind of metric computes both in one pass with the same SQL that computes one window alone.
    """
    if window.grain != WINDOW or window.last_period != window.first_period:
        raise InvalidQuery("a previous window pairs with a single whole window only")
    first = window.first_period - (window.end_local - window.first_period)
    start_at, last_at, end_at = _utc_instants(con, tz, first, window.first_period, window.end_local)
    return Window(WINDOW, first, window.first_period, window.end_local, start_at, end_at, last_at)


# Zone conversions already asked for in this process: a conversion depends only on the zone, the
# moment and DuckDB's ICU data (fixed for the process), and each was a statement of its own, several
# per metric query. Cleared when full, so a stream of distinct windows cannot grow it without bound.
_CONVERSIONS: dict[tuple, Any] = {}
_CONVERSIONS_MAX = 4096
_CONVERSIONS_LOCK = threading.Lock()


def _converted(key: tuple, compute: Callable[[], Any]) -> Any:
    with _CONVERSIONS_LOCK:
        if key in _CONVERSIONS:
            return _CONVERSIONS[key]
    value = compute()
    with _CONVERSIONS_LOCK:
        if len(_CONVERSIONS) >= _CONVERSIONS_MAX:
            _CONVERSIONS.clear()
        _CONVERSIONS[key] = value
    return value


def _utc_instants(con, tz: str, *local_moments: dt.datetime) -> tuple[dt.datetime, ...]:
    names = [f"m{i}" for i in range(len(local_moments))]
    sql = "SELECT " + ", ".join(f"timezone($tz, ${n})" for n in names)
    return _converted(("utc", tz, local_moments), lambda: tuple(
        con.execute(sql, {"tz": tz, **dict(zip(names, local_moments))}).fetchall()[0]))


def local_date(con: duckdb.DuckDBPyConnection, tz: str, moment: dt.datetime) -> dt.date:
    return _converted(("local_date", tz, moment), lambda: con.execute(
        "SELECT CAST(timezone($tz, $moment) AS DATE)", {"tz": tz, "moment": moment}).fetchall()[0][0])


def local_moment(con: duckdb.DuckDBPyConnection, tz: str, moment: dt.datetime) -> dt.datetime:
    """The instant `moment` as local, tz-naive time in zone `tz`."""
    return _converted(("local_moment", tz, moment), lambda: con.execute(
        "SELECT timezone($tz, $at)", {"tz": tz, "at": moment}).fetchall()[0][0])
