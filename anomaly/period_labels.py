"""Timestamps that name a period rather than a moment, as BI tools and spreadsheets label weekly,
monthly and quarterly rows: ISO weeks (`2026-W05`), quarters (`Q1 2026`, `2026 Q1`, `2026-Q1`) and
Excel's month format `mmm-yy` (`Jan-26`). A general date parser misreads some of them silently:
`Jan-18` is January 2018 in a monthly export, and was read as 18 January of the current year.
Each period is read as its first day; a file is read this way only when every label is one kind.
"""
from __future__ import annotations

import re

import pandas as pd

_ISO_WEEK = re.compile(r"(\d{4})-?W(\d{2})(?:-?([1-7]))?", re.IGNORECASE)
_QUARTER = re.compile(r"(?:(\d{4})\s*[-/ ]?\s*Q([1-4])|Q([1-4])\s*[-/ ]?\s*(\d{4}))", re.IGNORECASE)
_MONTH_YY = re.compile(r"([A-Za-z]{3,9})[-' ](\d{2})")
_ABBREVIATIONS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_FULL_NAMES = ("january", "february", "march", "april", "may", "june", "july", "august", "september",
               "october", "november", "december")
_MONTH_WORDS = {word: i + 1 for names in (_ABBREVIATIONS, _FULL_NAMES) for i, word in enumerate(names)} | {"sept": 9}


def _iso_week(m: re.Match) -> pd.Timestamp:
    year, week, day = int(m.group(1)), int(m.group(2)), int(m.group(3) or 1)
    return pd.Timestamp.fromisocalendar(year, week, day)


def _quarter(m: re.Match) -> pd.Timestamp:
    year, quarter = (m.group(1), m.group(2)) if m.group(1) else (m.group(4), m.group(3))
    return pd.Timestamp(int(year), 3 * int(quarter) - 2, 1)


def _month_yy(m: re.Match) -> pd.Timestamp:
    month = _MONTH_WORDS.get(m.group(1).lower())
    if month is None:
        raise ValueError(m.group(0))
    yy = int(m.group(2))
    return pd.Timestamp(2000 + yy if yy < 70 else 1900 + yy, month, 1)


KINDS = (
    (_ISO_WEEK, _iso_week, "ISO weeks (2026-W05 is the week from Monday 26 January 2026)"),
    (_QUARTER, _quarter, "quarters (Q1 2026 is from 1 January 2026)"),
    (_MONTH_YY, _month_yy, "months written mmm-yy (Jan-26 is January 2026, not 26 January)"),
)


def period_starts(raw: list[str]) -> tuple[pd.DatetimeIndex, str] | None:
    """Each label's first day and a note naming how they were read, when every label is of one of
    the kinds above; None otherwise (the labels are dates or moments: read by the general parser)."""
    texts = [t.strip() for t in raw]
    if not texts:
        return None
    for pattern, start_of, described in KINDS:
        matches = [pattern.fullmatch(t) for t in texts]
        if all(matches):
            try:
                starts = pd.DatetimeIndex([start_of(m) for m in matches])
            except ValueError:
                return None
            if pattern is _MONTH_YY and not _consecutive_months(starts):
                return None       # `Jan 05, Jan 06, ...`: days without a year, not months
            return starts, described
    return None


def _consecutive_months(starts: pd.DatetimeIndex) -> bool:
    """Whether months read from `mmm-yy` labels are a monthly series: each label once, and most
    neighbours a month apart (days labelled `Jan 05`, `Jan 06` read so jump a year at a time)."""
    months = pd.Series(starts.year * 12 + starts.month).sort_values()
    return months.is_unique and (len(months) < 2 or float(months.diff().median()) == 1.0)
