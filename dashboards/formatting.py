"""Numbers as people read them on a tile or in a table."""
from __future__ import annotations

import math


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
    if unit == "score":
        return f"{v:.2f}" if v < 10 else f"{v:.1f}"
    return f"{v:,.0f}"


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
