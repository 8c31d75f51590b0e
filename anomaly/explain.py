"""Every alert in words and numbers: observed vs expected, band, % and excess, since when, baseline."""
from __future__ import annotations

import math

from anomaly.baseline import level_window
from anomaly.scan import FoundAlert

GRAIN_WORD = {"hour": "hourly", "day": "daily"}
METRIC_WORD = {"inflow": "tickets", "category_share": "share of region inflow", "frt_p90": "first-response p90"}


def _fmt(value: float, unit: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    if unit == "share":
        return f"{100 * value:.1f}%"
    if unit == "minutes":
        return f"{value:,.0f} min"
    return f"{value:,.0f}"


def _when(ts, grain: str) -> str:
    return ts.strftime("%Y-%m-%d %H:%M") if grain == "hour" else ts.strftime("%Y-%m-%d")


def baseline_text(f: FoundAlert) -> str:
    step = 3600 if f.grain == "hour" else 86400
    window = level_window(step, f.settings)
    level = f"median of the last {window} {'hours' if f.grain == 'hour' else 'days'}"
    if f.seasonal_weeks:
        slot = "hour of the week" if f.grain == "hour" else "weekday"
        return f"same {slot} over the last {f.seasonal_weeks} weeks (median), scaled to the {level}"
    return f"{level} (not enough weeks of history for a weekly profile yet)"


def explain(f: FoundAlert) -> str:
    a, unit = f.alert, f.unit
    series = " x ".join(f.key.values())
    what = METRIC_WORD.get(f.metric, f.metric)
    direction = "above" if a.direction == "up" else "below"
    zone = "UTC" if f.grain == "hour" else "reporting zone"
    if unit == "tickets":
        pct = "new volume" if math.isinf(a.rise_pct) else f"{a.rise_pct:+.0f}%"
        size = (f"{_fmt(a.observed, unit)} tickets vs {_fmt(a.expected, unit)} expected "
                f"({pct}, {a.excess:+,.0f} tickets)")
    elif f.tickets is not None:
        t = f.tickets
        pct = "n/a" if math.isinf(a.rise_pct) else f"{a.rise_pct:+.0f}%"
        size = (f"{_fmt(a.peak_value, unit)} vs {_fmt(a.peak_expected, unit)} expected at the peak ({pct}); "
                f"{_fmt(t.observed, 'tickets')} tickets vs {_fmt(t.expected, 'tickets')} expected at the usual "
                f"share of the region's inflow ({t.excess:+,.0f} tickets)")
    else:
        pct = "n/a" if math.isinf(a.rise_pct) else f"{a.rise_pct:+.0f}%"
        size = f"{_fmt(a.peak_value, unit)} vs {_fmt(a.peak_expected, unit)} expected ({pct})"
    since = f"since {_when(a.start, f.grain)} ({zone})"
    until = "and still going" if a.is_open else f"until {_when(a.end, f.grain)}"
    text = (f"{series} {GRAIN_WORD.get(f.grain, f.grain)} {what} {direction} the expected band: {size}, "
            f"{since} {until}. Peak {_fmt(a.peak_value, unit)} at {_when(a.peak_at, f.grain)} vs "
            f"{_fmt(a.peak_expected, unit)} expected, band {_fmt(a.lower, unit)}-{_fmt(a.upper, unit)}; "
            f"tail probability {a.p_value:.1e}, severity {a.severity}. Baseline: {baseline_text(f)}.")
    if f.labels:
        text += f" Known events: {', '.join(f.labels)}."
    return text
