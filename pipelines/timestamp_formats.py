"""Which timestamp format a column's values are written in, from the values alone: what `mapping
draft` proposes, what its column guesses check a date column against, and what a load's hint for
unparseable dates suggests (pipelines/load_hints.py)."""
from __future__ import annotations

import re
from datetime import datetime

# (format, has time of day): tried in order; the first that reads every sampled value wins.
NAIVE_FORMATS = (
    ("%Y-%m-%d %H:%M:%S", True), ("%Y-%m-%d %H:%M", True), ("%Y-%m-%dT%H:%M:%S", True), ("%Y-%m-%d", False),
    ("%Y-%m-%d %H:%M:%S.%f", True), ("%Y-%m-%dT%H:%M:%S.%f", True), ("%Y-%m-%dT%H:%M", True),
    ("%m/%d/%Y %I:%M %p", True), ("%m/%d/%Y %I:%M:%S %p", True), ("%m/%d/%Y %H:%M", True),
    ("%m/%d/%Y %H:%M:%S", True), ("%m/%d/%Y", False),
    ("%d/%m/%Y %H:%M", True), ("%d/%m/%Y %H:%M:%S", True), ("%d/%m/%Y", False),
    ("%d.%m.%Y %H:%M", True), ("%d.%m.%Y %H:%M:%S", True), ("%d.%m.%Y", False), ("%d/%b/%y %I:%M %p", True),
    ("%m/%d/%y", False), ("%Y/%m/%d %H:%M:%S", True), ("%Y/%m/%d", False),
    # Month names, as Zoho Desk, HubSpot and many report tools write them (English; other languages
    # through [source] month_names)
    ("%d %b %Y %I:%M %p", True), ("%d %b %Y %H:%M", True), ("%d %b %Y %H:%M:%S", True), ("%d %b %Y", False),
    ("%b %d, %Y %I:%M %p", True), ("%b %d, %Y %I:%M:%S %p", True), ("%b %d, %Y %H:%M", True), ("%b %d, %Y", False),
    ("%d-%b-%Y %H:%M", True), ("%d-%b-%Y %H:%M:%S", True), ("%d-%b-%Y", False),
    ("%B %d, %Y %I:%M %p", True), ("%B %d, %Y", False), ("%d %B %Y %H:%M", True), ("%d %B %Y", False),
)
_OFFSET = re.compile(r"([zZ]|[+-]\d{2}:?\d{2}| (UTC|GMT))$")
_ZONE_NAME = re.compile(r" (UTC|GMT)$")
# Something written as a date, whether or not a known format reads it.
_DATE_LIKE = re.compile(r"\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}"          # 2026-11-02, 02/11/2026, 02.11.26
                        r"|\d{1,2}[ /-][A-Za-z]{3,}[ /-]\d{2,4}"       # 02-Nov-2026
                        r"|[A-Za-z]{3,} \d{1,2},? \d{4}")              # Nov 2, 2026
_UNIX_TIME = re.compile(r"\d{9,10}(\.\d+)?|\d{12,13}")   # seconds (2001..2286) or milliseconds since 1970


def is_unix_time(value: str) -> bool:
    return bool(_UNIX_TIME.fullmatch(value.strip()))


def is_offset_timestamp(value: str) -> bool:
    """ISO 8601 with its UTC offset (or Z, or " UTC" / " GMT" as Intercom and many exports write it)."""
    if not _OFFSET.search(value):
        return False
    try:
        datetime.fromisoformat(_ZONE_NAME.sub("+00:00", value).replace("Z", "+00:00").replace("z", "+00:00"))
        return True
    except ValueError:
        return False


def timestamp_format_of(values: list[str]) -> str | None:
    """The first of NAIVE_FORMATS that reads every value; None when none does (or no values)."""
    return next((f for f, _ in NAIVE_FORMATS if values and all(parses(v, f) for v in values)), None)


def is_timestamp(value: str) -> bool:
    """Written in some form a mapping can read: a known naive format, ISO with an offset, Unix time."""
    return (is_offset_timestamp(value) or is_unix_time(value)
            or any(parses(value, fmt) for fmt, _ in NAIVE_FORMATS))


def looks_like_a_date(value: str) -> bool:
    """Written as a date, whether or not a known format reads it (a format can be added)."""
    return is_timestamp(value) or bool(_DATE_LIKE.search(value))


def parses(value: str, fmt: str) -> bool:
    try:
        datetime.strptime(value, fmt)
        return True
    except ValueError:
        return False
