"""Whether the values sampled from a column can be what a canonical field holds. `mapping draft`
guesses columns from their headers, and a header is only a hint: Freshdesk's ticket export has a
"First response status" ("Within SLA") beside "Initial response time" (the date), and a "Product"
beside its "Abuse Type". A column whose values cannot be the field is not proposed for it; among
those that can, one whose values are recognised as the field's (statuses, channels, trust & safety
categories) is proposed first."""
from __future__ import annotations

import re

from core.number_formats import is_missing_value
from pipelines.clock_durations import CLOCK, DURATION_FIELDS
from pipelines.timestamp_formats import is_timestamp, is_unix_time, looks_like_a_date
from pipelines.value_guesses import guess_value

FITS, UNSURE, MISFITS = 0, 1, 2          # sort order: best first
TIMESTAMP_FIELDS = ("created_at", "updated_at", "first_response_at", "resolved_at")
_NUMBER_FIELDS = ("reopen_count", "qa_score")
_RECOGNISED = ("status", "priority", "channel", "abuse_category")
# Fields that hold a label or a name: never a column of dates or clock durations (HubSpot's "Time to
# first agent reply (HH:mm:ss)" is no agent). Numbers can be labels: agent ids, market codes.
_LABEL_FIELDS = _RECOGNISED + ("region", "language", "vendor", "queue", "agent")
_CLOCK = re.compile(r"\d+:\d{2}(:\d{2}(\.\d+)?)?")
_MIN_SHARE = 0.8          # of a column's sampled values that must read as a date (or a number)
_RECOGNISED_SHARE = 0.5   # of its distinct values that must be recognised for "fits"
_CHECKED_VALUES = 200     # each column's values checked, at most
_NUMBER = re.compile(r"[-+]?\d+([.,]\d+)*")


def fit(name: str, values: list[str], taxonomy: tuple[str, ...]) -> int:
    """FITS, UNSURE (no values, or values that may be the field's) or MISFITS, for field `name` and
    a column's non-blank sampled values."""
    values = [v for v in values[:_CHECKED_VALUES] if not is_missing_value(v)]
    if not values:
        return UNSURE
    if name in TIMESTAMP_FIELDS:
        if _by_share(values, is_timestamp) == FITS:
            return FITS
        # Dates in a format none is known for are still the field's: the draft warns and asks for it.
        return UNSURE if _by_share(values, looks_like_a_date) == FITS else MISFITS
    if name in DURATION_FIELDS:       # (the loader reads a clock, 1:30:00, in these)
        return _by_share(values, lambda v: bool(_NUMBER.fullmatch(v) or CLOCK.fullmatch(v)))
    if name in _NUMBER_FIELDS or name.endswith(("_minutes", "_hours")):
        return _by_share(values, lambda v: bool(_NUMBER.fullmatch(v)))
    if name in _LABEL_FIELDS and _by_share(values, _is_time) == FITS:
        return MISFITS
    if name in _RECOGNISED:
        distinct = set(values)
        known = sum(guess_value(name, v, taxonomy) is not None for v in distinct)
        return FITS if known >= _RECOGNISED_SHARE * len(distinct) else UNSURE
    return UNSURE


def _is_time(value: str) -> bool:
    # (not Unix times: a 12-digit Zendesk user id reads as one)
    return bool(_CLOCK.fullmatch(value)) or (is_timestamp(value) and not is_unix_time(value))


def _by_share(values: list[str], reads) -> int:
    return FITS if sum(map(reads, values)) >= _MIN_SHARE * len(values) else MISFITS
