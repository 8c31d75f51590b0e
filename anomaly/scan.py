"""Run the detector over series families and turn flagged stretches into alerts with context."""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from anomaly.alerts import Alert, build_alerts
from anomaly.calendar import Event, event_masks, labels_between
from anomaly.baseline import Baseline
from anomaly.clean_baseline import clean_baseline
from anomaly.detector import Verdicts, evaluate_points
from anomaly.series import SeriesFamily
from anomaly.settings import DetectorSettings
from anomaly.share import as_share_alert, in_share_units, share_count_verdicts


@dataclass(frozen=True)
class FoundAlert:
    family: str
    metric: str
    grain: str
    unit: str
    key: dict                  # {dim: value}
    alert: Alert
    labels: tuple[str, ...]    # calendar events with action=label overlapping the alert
    seasonal_weeks: int        # past weeks behind the baseline at the peak (0 = level only)
    settings: DetectorSettings
    tickets: Alert | None = None   # share alerts: the same alert in tickets (what it rests on)

    @property
    def series_key(self) -> str:
        return "|".join(f"{d}={v}" for d, v in self.key.items())


def family_settings(family: SeriesFamily, base: DetectorSettings) -> DetectorSettings:
    # A user's [detection] overrides stay in `base`; the family only sets what its unit requires.
    return base.with_overrides(family.overrides)


def calendar_masks(family: SeriesFamily, events: list[Event]) -> np.ndarray | None:
    if not events:
        return None
    step = pd.Timedelta(seconds=family.step_seconds)
    masks = [event_masks(family.index, step, events, key)[0] for key in family.keys]
    mask = np.column_stack(masks)
    return mask if mask.any() else None


def family_verdicts(family: SeriesFamily, s: DetectorSettings, suppress: np.ndarray | None = None,
                    cols: list[int] | None = None, share_units: bool = False) -> Verdicts:
    """Verdicts for the family's columns `cols` (all by default). Shares are tested as counts: the
    verdicts are in tickets unless `share_units` (charts) asks for shares."""
    pick = slice(None) if cols is None else cols
    sup = None if suppress is None else suppress[:, pick]
    if family.unsettled is not None:
        sup = family.unsettled[:, pick] if sup is None else sup | family.unsettled[:, pick]
    if family.counts is not None:
        v = share_count_verdicts(family.counts[:, pick], family.totals[:, pick], family.step_seconds, s, sup)
        return in_share_units(v, family.totals[:, pick]) if share_units else v
    values = family.values[:, pick]
    if family.log_scale:
        return log_scale_verdicts(values, family.step_seconds, s, sup)
    is_counts = family.unit == "tickets"
    baseline = None
    if family.filling_fraction is not None:
        baseline = _filling_baseline(values, family, s, sup, is_counts)
    return evaluate_points(values, family.step_seconds, s, exclude=sup, suppress=sup, is_counts=is_counts,
                           baseline=baseline)


def log_scale_verdicts(values: np.ndarray, step_seconds: float, s: DetectorSettings,
                       suppress: np.ndarray | None = None) -> Verdicts:
    """A duration (first-response p90 in minutes) judged as log(1 + minutes): its day-to-day noise
    is multiplicative, so a doubling is as notable at 40 minutes as at 4 hours, and the right-skew of
    a p90 of few replies is no run of "blow-ups" (on raw minutes, samples 11-14 paged 1-3 FRT days
    each that no incident caused: benchmarks/README.md, 2026-12-08). The minimum % rise becomes a
    minimum log ratio; the minimum excess stays in minutes. Expected and band are given in minutes."""
    ratio = 1 + s.min_rise_pct / 100
    logged = np.log1p(np.where(values >= 0, values, np.nan))
    v = evaluate_points(logged, step_seconds, replace(s, min_excess=float(np.log(ratio)), min_rise_pct=0.0),
                        exclude=suppress, suppress=suppress, is_counts=False)
    expected = np.expm1(v.expected)
    big_enough = np.abs(np.nan_to_num(values) - np.nan_to_num(expected)) >= s.min_excess
    is_anomaly = v.is_anomaly & big_enough
    return replace(v, expected=expected, lower=np.expm1(v.lower), upper=np.expm1(v.upper),
                   is_anomaly=is_anomaly, sign=np.where(is_anomaly, v.sign, 0).astype(np.int8))


def _filling_baseline(values: np.ndarray, family: SeriesFamily, s: DetectorSettings, exclude: np.ndarray | None,
                      is_counts: bool) -> Baseline:
    """The usual baseline, with the filling last bucket kept out of the history and its expected
    count scaled by the share of the bucket elapsed (tickets arrive about evenly within an hour)."""
    history = np.array(values, dtype=float)
    if exclude is not None:
        history[np.asarray(exclude, dtype=bool)] = np.nan
    history[-1] = np.nan
    base = clean_baseline(history, family.step_seconds, s, is_counts)
    expected = base.expected.copy()
    expected[-1] *= family.filling_fraction
    return replace(base, expected=expected)


def _column_alerts(family: SeriesFamily, v: Verdicts, col: int,
                   s: DetectorSettings) -> list[tuple[Alert, Alert | None]]:
    """(alert as stored, the same alert in tickets for share alerts) for one column."""
    on_counts = family.counts is not None
    values = family.counts[:, col] if on_counts else family.values[:, col]
    alerts = build_alerts(family.index, values, v.expected[:, col], v.lower[:, col], v.upper[:, col],
                          v.p_value[:, col], v.score[:, col], v.is_anomaly[:, col], v.sign[:, col],
                          family.step_seconds, v.is_counts, s)
    if not on_counts:
        return [(a, None) for a in alerts]
    return [(as_share_alert(a, family.index, family.values[:, col], family.totals[:, col]), a) for a in alerts]


def scan_family(family: SeriesFamily, base: DetectorSettings, events: list[Event]) -> tuple[Verdicts, list[FoundAlert]]:
    s = family_settings(family, base)
    v = family_verdicts(family, s, calendar_masks(family, events))
    found = []
    for col in np.flatnonzero(v.is_anomaly.any(axis=0)):
        key = family.keys[col]
        for a, tickets in _column_alerts(family, v, col, s):
            peak_row = family.index.get_loc(a.peak_at)
            found.append(FoundAlert(
                family=family.name, metric=family.metric, grain=family.grain, unit=family.unit, key=key,
                alert=a, labels=tuple(labels_between(events, key, a.start, a.end)),
                seasonal_weeks=int(v.seasonal_weeks[peak_row, col]), settings=s, tickets=tickets))
    return v, found
