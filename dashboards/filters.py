"""The filter bar's state and its URL form.

The URL query string is the single source of truth for what a page shows: a copied link, a reload
and the back button all reopen the same view. `Filters` is the parsed, canonical form (values
de-duplicated and sorted) so that `Filters.from_search(f.to_search()) == f` for every filter set.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any, Iterable, Mapping
from urllib.parse import parse_qsl, urlencode

from metrics.periods import FIRST_DATE, LAST_DATE

# Dimensions the filter bar offers; each is a multi-select in the bar and a repeated URL key.
FILTER_DIMS = ("region", "vendor", "abuse_category", "language", "priority", "channel")
DATE_KEYS = ("from", "to")
HIGH_PROFILE_KEY = "high_profile"
FILTER_KEYS = DATE_KEYS + FILTER_DIMS + (HIGH_PROFILE_KEY,)
# The ticket page's own keys for a drill from a backlog point: list the tickets open at the end of
# that day (whenever created) instead of those created in the window, optionally in one age band.
OPEN_ON_KEY = "open_on"
OPEN_AGE_KEY = "open_age"
TICKET_PAGE_KEYS = (OPEN_ON_KEY, OPEN_AGE_KEY)
DEFAULT_WINDOW_DAYS = 28


@dataclass(frozen=True)
class Filters:
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    region: tuple[str, ...] = ()
    vendor: tuple[str, ...] = ()
    abuse_category: tuple[str, ...] = ()
    language: tuple[str, ...] = ()
    priority: tuple[str, ...] = ()
    channel: tuple[str, ...] = ()
    high_profile: bool | None = None

    def __post_init__(self):
        # canonical form: the same selection always has the same URL and the same cache key
        for d in FILTER_DIMS:
            object.__setattr__(self, d, _canonical(getattr(self, d)))

    # ---- construction -------------------------------------------------------------------
    @classmethod
    def from_search(cls, search: str | None) -> "Filters":
        """Parse `?from=2026-03-01&region=BR&region=US` (the leading `?` is optional)."""
        text = (search or "").lstrip("?")
        return cls.from_pairs(parse_qsl(text, keep_blank_values=False))

    @classmethod
    def from_mapping(cls, query: Mapping[str, Any] | None) -> "Filters":
        """From Dash's parsed query (`layout(**query)`): each value a string or a list of strings."""
        pairs: list[tuple[str, str]] = []
        for key, value in (query or {}).items():
            values = value if isinstance(value, (list, tuple)) else [value]
            pairs.extend((key, str(v)) for v in values if v is not None)
        return cls.from_pairs(pairs)

    @classmethod
    def from_pairs(cls, pairs: Iterable[tuple[str, str]]) -> "Filters":
        dims: dict[str, list[str]] = {d: [] for d in FILTER_DIMS}
        date_from = date_to = None
        high_profile = None
        for key, value in pairs:
            if key in dims:
                if value != "":
                    dims[key].append(value)
            elif key == "from":
                date_from = _parse_date(value)
            elif key == "to":
                date_to = _parse_date(value)
            elif key == HIGH_PROFILE_KEY:
                high_profile = _parse_bool(value)
        return cls(date_from=date_from, date_to=date_to, high_profile=high_profile,
                   **{d: _canonical(v) for d, v in dims.items()})

    @classmethod
    def from_controls(cls, date_from: str | None, date_to: str | None,
                      dims: Mapping[str, Iterable[str] | None], high_profile: str | None) -> "Filters":
        """From the filter bar's component values (date strings, dropdown lists, 'true'/'false'/'all')."""
        return cls(
            date_from=_parse_date(date_from), date_to=_parse_date(date_to),
            high_profile=_parse_bool(high_profile),
            **{d: _canonical(dims.get(d) or ()) for d in FILTER_DIMS},
        )

    # ---- output -------------------------------------------------------------------------
    def to_pairs(self) -> list[tuple[str, str]]:
        pairs: list[tuple[str, str]] = []
        if self.date_from:
            pairs.append(("from", self.date_from.isoformat()))
        if self.date_to:
            pairs.append(("to", self.date_to.isoformat()))
        for d in FILTER_DIMS:
            pairs.extend((d, v) for v in getattr(self, d))
        if self.high_profile is not None:
            pairs.append((HIGH_PROFILE_KEY, "true" if self.high_profile else "false"))
        return pairs

    def to_search(self) -> str:
        """`?from=...&region=BR` or '' when nothing is set."""
        pairs = self.to_pairs()
        return "?" + urlencode(pairs) if pairs else ""

    def metric_filters(self) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """The metrics layer's filter form: ((dim, (value, ...)), ...)."""
        out = [(d, getattr(self, d)) for d in FILTER_DIMS if getattr(self, d)]
        if self.high_profile is not None:
            out.append(("high_profile", ("true" if self.high_profile else "false",)))
        return tuple(out)

    def with_values(self, **changes) -> "Filters":
        return replace(self, **changes)

    def is_empty(self) -> bool:
        return self == Filters()

    def resolved_range(self, as_of: dt.date | None) -> tuple[dt.date, dt.date]:
        """The date window to query: explicit dates, or the latest 28 days up to `as_of`."""
        end = self.date_to or as_of or dt.datetime.now(dt.timezone.utc).date()
        start = self.date_from or end - dt.timedelta(days=DEFAULT_WINDOW_DAYS - 1)
        return (start, end) if start <= end else (end, start)

    def describe(self) -> str:
        """Short human text of the active dimension filters, for titles and file names."""
        parts = [f"{d}={'|'.join(getattr(self, d))}" for d in FILTER_DIMS if getattr(self, d)]
        if self.high_profile is not None:
            parts.append(f"high_profile={'yes' if self.high_profile else 'no'}")
        return ", ".join(parts) or "all tickets"


def url_problems(search: str | None) -> list[str]:
    """Values of a hand-edited link the pages cannot use, each in words. They are dropped (the
    default takes their place), so the page must say so rather than quietly show something else."""
    problems = []
    for key, value in parse_qsl((search or "").lstrip("?"), keep_blank_values=False):
        if key in DATE_KEYS and _parse_date(value) is None:
            what = (f"is outside {FIRST_DATE} to {LAST_DATE}" if _is_iso_date(value)
                    else "is not a date (YYYY-MM-DD)")
            problems.append(f"{key}={value} {what}: the default window is shown instead")
        elif key == HIGH_PROFILE_KEY and value != "all" and _parse_bool(value) is None:
            problems.append(f"{key}={value} is not true or false: all reporters are shown")
    return problems


def merge_search(current_search: str | None, filters: Filters) -> str:
    """Replace the filter keys of a query string, keeping a page's own keys (e.g. `status`)."""
    own = [(k, v) for k, v in parse_qsl((current_search or "").lstrip("?"), keep_blank_values=False)
           if k not in FILTER_KEYS]
    pairs = filters.to_pairs() + own
    return "?" + urlencode(pairs) if pairs else ""


def page_params(search: str | None) -> dict[str, str]:
    """A page's own (non-filter) query keys, last value wins."""
    return {k: v for k, v in parse_qsl((search or "").lstrip("?")) if k not in FILTER_KEYS}


def open_on(params: Mapping[str, str]) -> dt.date | None:
    """The ticket page's open_on date from its own URL keys (None when absent or not a date)."""
    return _parse_date(params.get(OPEN_ON_KEY))


def open_age(params: Mapping[str, str]) -> str | None:
    """The ticket page's open_age band (metrics.ticket_listing.OPEN_AGE_BANDS), only beside an open_on day."""
    return params.get(OPEN_AGE_KEY) if open_on(params) else None


def _canonical(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted({str(v) for v in values if str(v) != ""}))


def _parse_date(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        day = dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None   # a hand-edited link with a bad date falls back to the default window
    # so does a date no data can have (0001-01-01, 9999-12-31): windows from it overflow or explode
    return day if FIRST_DATE <= day <= LAST_DATE else None


def _is_iso_date(value: str) -> bool:
    try:
        dt.date.fromisoformat(value[:10])
    except ValueError:
        return False
    return True


def _parse_bool(value: str | None) -> bool | None:
    text = (value or "").strip().lower()
    if text in ("true", "yes", "1"):
        return True
    if text in ("false", "no", "0"):
        return False
    return None

