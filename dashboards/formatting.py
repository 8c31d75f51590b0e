"""Numbers as people read them on a tile or in a table."""
from __future__ import annotations

import math
from zoneinfo import ZoneInfo

import pandas as pd


def is_missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def format_value(value, unit: str) -> str:
    if is_missing(value):
        return "–"
    v = float(value)
    if unit == "share":
        return f"{v * 100:.1f}%"
    if unit == "minutes":
        return f"{v:.0f} min" if v < 120 else f"{v / 60:.1f} h"
    if unit == "hours":
        return f"{v:.1f} h"
    if unit == "min":
        return f"{v:,.0f} min"
    if unit == "h":
        return f"{v:,.1f} h"
    if unit == "d":
        return f"{v:,.1f} d"
    if unit == "points":
        return f"{v:+.1f} pts"
    if unit == "score":
        return f"{v:.2f}" if v < 10 else f"{v:.1f}"
    return f"{v:,.0f}"


# ---- durations: one unit per measure wherever it is shown together ------------------------------
# Two tiles, a table column or a chart's lines of one measure share one unit, picked by the largest
# value shown (so '117 min' never sits beside '6.9 h'), and the unit is named in the label.
_SCALES = {"minutes": (("min", 1.0), ("h", 60.0)), "hours": (("h", 1.0), ("d", 24.0))}
SCALE_WORDS = {"min": "minutes", "h": "hours", "d": "days"}


def is_duration(unit: str) -> bool:
    return unit in _SCALES


def duration_scale(values, unit: str) -> tuple[str, float]:
    """(display unit, divisor) for values measured in `unit` ('minutes' or 'hours'): the larger
    unit once the largest value is at least two of it."""
    small, big = _SCALES[unit]
    known = [abs(float(v)) for v in values if not is_missing(v)]
    return big if known and max(known) >= 2 * big[1] else small


def unit_scales(values_by_unit: dict[str, list]) -> dict[str, tuple[str, float]]:
    """The display scale of each duration unit over every value shown with it (a set of tiles, a
    table): every measure in minutes shares one scale, every measure in hours another."""
    return {unit: duration_scale(values, unit) for unit, values in values_by_unit.items() if is_duration(unit)}


def format_duration(value, scale: tuple[str, float]) -> str:
    name, divisor = scale
    return "–" if is_missing(value) else format_value(float(value) / divisor, name)


def format_change(value, previous, unit: str) -> str:
    """'+12.0%' for counts and times, '+1.5 pp' for shares; '–' without a comparable base."""
    if is_missing(value) or is_missing(previous):
        return "–"
    if unit == "share":
        return f"{(float(value) - float(previous)) * 100:+.1f} pp"
    if float(previous) == 0:
        return "–"
    return f"{(float(value) / float(previous) - 1) * 100:+.1f}%"


def judge(value, reference, direction: str) -> str:
    """'good' / 'bad' / 'neutral': is value better than reference given which way is better."""
    if is_missing(value) or is_missing(reference) or direction not in ("higher", "lower"):
        return "neutral"
    if float(value) == float(reference):
        return "neutral"
    better = float(value) > float(reference) if direction == "higher" else float(value) < float(reference)
    return "good" if better else "bad"


# ---- times: every time a page shows is in the one reporting zone, and says which --------------

def zone_label(zone: str) -> str:
    """How a column header or a sentence names the reporting zone."""
    return "UTC" if zone in ("UTC", "Etc/UTC", "Z") else zone


def in_zone(value, zone: str) -> pd.Timestamp | None:
    """A timestamp as the wall-clock time in `zone` (naive values are taken to be UTC, the
    warehouse's storage zone); None for a missing or unreadable value."""
    if is_missing(value) or value is pd.NaT:
        return None
    try:
        ts = pd.Timestamp(value)
    except (TypeError, ValueError):
        return None
    if ts is pd.NaT:
        return None
    if ts.tzinfo is None:
        ts = ts.tz_localize("UTC")
    return ts.tz_convert(ZoneInfo(zone))


def format_local(value, zone: str, *, with_zone: bool = False, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """'2026-08-21 23:24' in the reporting zone ('… America/Sao_Paulo' with_zone); '–' if missing."""
    ts = in_zone(value, zone)
    if ts is None:
        return "–"
    text = ts.strftime(fmt)
    return f"{text} {zone_label(zone)}" if with_zone else text


def local_times(series: pd.Series, zone: str) -> pd.Series:
    """A timestamp column as 'YYYY-MM-DD HH:MM' text in the reporting zone (None where missing)."""
    ts = pd.to_datetime(series, utc=True, errors="coerce").dt.tz_convert(ZoneInfo(zone))
    return ts.dt.strftime("%Y-%m-%d %H:%M").astype(object).where(ts.notna(), None)


def alert_span(start_at, end_at, grain: str | None, zone: str) -> tuple[str, str]:
    """An alert's first and last bucket as people read them: a daily alert is dated
    ('2026-08-19'), an hourly one is an hour in the reporting zone ('2026-08-19 14:00')."""
    fmt = "%Y-%m-%d" if grain != "hour" else "%Y-%m-%d %H:%M"
    return format_local(start_at, zone, fmt=fmt), format_local(end_at, zone, fmt=fmt)


# ---- alerts: what a series key and an alert's numbers mean, in words --------------------------

_DIM_ORDER = ("abuse_category", "region", "vendor", "language", "priority", "channel", "queue", "high_profile")
ALERT_MEASURES = {"inflow": "inflow", "category_share": "share of the region's inflow",
                  "frt_p90": "first-response p90", "category_mix": "category mix"}
ALERT_UNITS = {"inflow": "tickets", "category_share": "share", "frt_p90": "minutes", "category_mix": "share"}
GRAIN_WORDS = {"hour": "hourly", "day": "daily", "week": "weekly"}


def _dim_value_label(dim: str, value: str) -> str:
    if dim == "abuse_category":
        text = value.replace("_", " ")
        return text[:1].upper() + text[1:]
    if dim == "high_profile":
        return "high-profile" if value.lower() == "true" else "not high-profile"
    return value


def series_label(series_key: str | None) -> str:
    """'abuse_category=impersonation|region=US' -> 'Impersonation · US' (category first, then
    region, vendor, ...); '' -> 'all tickets'. Text, never markup."""
    pairs = [part.split("=", 1) for part in str(series_key or "").split("|") if "=" in part]
    rank = {d: i for i, d in enumerate(_DIM_ORDER)}
    pairs.sort(key=lambda kv: rank.get(kv[0], len(rank)))
    return " · ".join(_dim_value_label(k, v) for k, v in pairs) or "all tickets"


def alert_measure(metric: str | None, grain: str | None) -> str:
    """'daily inflow', 'hourly inflow', 'daily first-response p90', 'daily category mix'."""
    measure = ALERT_MEASURES.get(str(metric), str(metric or ""))
    return f"{GRAIN_WORDS.get(str(grain), '')} {measure}".strip()


def alert_unit(metric: str | None) -> str:
    return ALERT_UNITS.get(str(metric), "score")
