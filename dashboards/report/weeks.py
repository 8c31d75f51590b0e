"""ISO weeks in the reporting time zone: parsing `2026-W47` and finding the last complete week."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from metrics.facts import as_of
from metrics.periods import local_date
from core.errors import InputError

_WEEK = re.compile(r"^(\d{4})-W(\d{1,2})$")
TREND_WEEKS = 8   # how many weeks the trend charts show, ending with the report week


class BadWeek(InputError):
    """--week is not an ISO week like 2026-W47."""


@dataclass(frozen=True)
class ReportWeek:
    label: str            # 2026-W47
    monday: dt.date
    sunday: dt.date

    @property
    def previous(self) -> "ReportWeek":
        return week_of(self.monday - dt.timedelta(days=7))

    @property
    def trend_from(self) -> dt.date:
        return self.monday - dt.timedelta(days=7 * (TREND_WEEKS - 1))

    @property
    def days(self) -> list[dt.date]:
        return [self.monday + dt.timedelta(days=i) for i in range(7)]


def week_of(day: dt.date) -> ReportWeek:
    year, week, weekday = day.isocalendar()
    monday = day - dt.timedelta(days=weekday - 1)
    return ReportWeek(f"{year}-W{week:02d}", monday, monday + dt.timedelta(days=6))


def parse_week(text: str) -> ReportWeek:
    match = _WEEK.match(text.strip())
    if not match:
        raise BadWeek(f"--week {text!r} is not an ISO week; write it like 2026-W47")
    year, week = int(match.group(1)), int(match.group(2))
    try:
        monday = dt.date.fromisocalendar(year, week, 1)
    except ValueError as exc:
        raise BadWeek(f"--week {text!r}: {year} has no ISO week {week}") from exc
    return week_of(monday)


def default_week(con, config) -> str | None:
    """The last complete ISO week before as_of (local dates), or None on an empty warehouse."""
    moment = as_of(con)
    if moment is None:
        return None
    today = local_date(con, config.reporting_timezone, moment)
    return week_of(today - dt.timedelta(days=7)).label
