"""The calendar of known events (holidays, launches, incidents, vendor changes).

An event covers [start, end) for every series, or only for one category and/or region. Its action
is `suppress` (no alert inside it, and its points never feed the baseline, so a holiday does not
drag next week's expectation) or `label` (alerts inside it are kept and carry the event's label).
Events come from the config's calendar file and from the annotations in the triage store.
"""
from __future__ import annotations

import datetime as dt
import json
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from core.errors import InputError

ACTIONS = ("suppress", "label")
KINDS = ("holiday", "launch", "incident", "vendor_change", "other")
DEFAULT_ACTION = {"holiday": "suppress", "launch": "label", "incident": "label",
                  "vendor_change": "label", "other": "label"}


class CalendarError(InputError):
    """An events-calendar entry has a bad date, action or kind."""


@dataclass(frozen=True)
class Event:
    start: pd.Timestamp          # UTC, tz-naive
    end: pd.Timestamp            # exclusive
    label: str
    kind: str = "other"
    action: str = "label"
    category: str | None = None  # abuse_category; None = every category
    region: str | None = None
    who: str | None = None       # who added it (an annotation), shown on the alerts it withdraws

    def applies_to(self, key: dict) -> bool:
        """Does the event cover a series with these dimension values? Missing dims match anything."""
        if self.category and key.get("abuse_category") not in (None, self.category):
            return False
        if self.region and key.get("region") not in (None, self.region):
            return False
        return True


def utc_naive(value, where: str) -> pd.Timestamp:
    try:
        ts = pd.Timestamp(value)
    except (ValueError, TypeError) as exc:
        raise CalendarError(f"{where}: {value!r} is not a date or timestamp") from exc
    if ts is pd.NaT:
        raise CalendarError(f"{where}: {value!r} is not a date or timestamp")
    return ts.tz_convert("UTC").tz_localize(None) if ts.tzinfo else ts


def make_event(entry: dict, where: str) -> Event:
    kind = str(entry.get("kind", "other"))
    if kind not in KINDS:
        raise CalendarError(f"{where}: kind {kind!r}; valid: {', '.join(KINDS)}")
    action = str(entry.get("action") or DEFAULT_ACTION[kind])
    if action not in ACTIONS:
        raise CalendarError(f"{where}: action {action!r}; valid: {', '.join(ACTIONS)}")
    if "start" not in entry or "label" not in entry:
        raise CalendarError(f"{where}: an event needs start and label")
    start = utc_naive(entry["start"], where)
    end = event_end(entry.get("end"), start, where)
    scope = entry.get("scope") or {}
    return Event(start=start, end=end, label=str(entry["label"]), kind=kind, action=action,
                 category=entry.get("category") or scope.get("category") or None,
                 region=entry.get("region") or scope.get("region") or None, who=entry.get("who") or None)


def event_end(value, start: pd.Timestamp, where: str) -> pd.Timestamp:
    """The exclusive end: none given = one day from start; a date alone means through that day
    (end 2026-08-21 covers the 21st); an end before the start is refused, never swapped or widened."""
    if value is None or value == "":
        return start + pd.Timedelta(days=1)
    end = utc_naive(value, where)
    if _is_date_only(value):
        end = end + pd.Timedelta(days=1)
    if end <= start:
        raise CalendarError(f"{where}: end {value} is not after start {start.isoformat()}")
    return end


def _is_date_only(value) -> bool:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return True
    return isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()) is not None


def load_calendar_file(path: Path | None) -> list[Event]:
    """Events from a TOML file (`[[event]]` tables) or a JSON list; no file = no events."""
    if path is None:
        return []
    path = Path(path)
    if not path.exists():
        raise CalendarError(f"{path}: events calendar not found")
    text = path.read_text(encoding="utf-8")
    try:
        entries = json.loads(text) if path.suffix == ".json" else tomllib.loads(text).get("event", [])
    except (json.JSONDecodeError, tomllib.TOMLDecodeError) as exc:
        raise CalendarError(f"{path}: {exc}") from exc
    if isinstance(entries, dict):
        entries = entries.get("events", [])
    return [make_event(e, f"{path} event {i + 1}") for i, e in enumerate(entries)]


def event_masks(index: pd.DatetimeIndex, step: pd.Timedelta, events: list[Event],
                key: dict) -> tuple[np.ndarray, list[list[str]]]:
    """(suppress[t], labels[t]) for one series: a bucket is covered when it overlaps the event."""
    suppress = np.zeros(len(index), dtype=bool)
    labels: list[list[str]] = [[] for _ in range(len(index))]
    starts = index.to_numpy()
    for ev in events:
        if not ev.applies_to(key):
            continue
        covered = (starts < ev.end.to_datetime64()) & (starts + step.to_timedelta64() > ev.start.to_datetime64())
        if ev.action == "suppress":
            suppress |= covered
        for i in np.flatnonzero(covered):
            labels[i].append(ev.label)
    return suppress, labels


def labels_between(events: list[Event], key: dict, start: pd.Timestamp, end: pd.Timestamp) -> list[str]:
    """Labels of `label` events overlapping [start, end] for this series."""
    return [ev.label for ev in events
            if ev.action == "label" and ev.applies_to(key) and ev.start <= end and ev.end > start]
