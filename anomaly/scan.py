"""Run the detector over series families and turn flagged stretches into alerts with context."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from anomaly.alerts import Alert, build_alerts
from anomaly.calendar import Event, event_masks, labels_between
from anomaly.detector import Verdicts, evaluate_points
from anomaly.series import SeriesFamily
from anomaly.settings import DetectorSettings


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


def scan_family(family: SeriesFamily, base: DetectorSettings, events: list[Event]) -> tuple[Verdicts, list[FoundAlert]]:
    s = family_settings(family, base)
    suppress = calendar_masks(family, events)
    is_counts = family.unit == "tickets"
    v = evaluate_points(family.values, family.step_seconds, s, exclude=suppress, suppress=suppress,
                        is_counts=is_counts)
    found = []
    for col in np.flatnonzero(v.is_anomaly.any(axis=0)):
        alerts = build_alerts(family.index, family.values[:, col], v.expected[:, col], v.lower[:, col],
                              v.upper[:, col], v.p_value[:, col], v.score[:, col], v.is_anomaly[:, col],
                              v.sign[:, col], family.step_seconds, is_counts, s)
        key = family.keys[col]
        for a in alerts:
            peak_row = family.index.get_loc(a.peak_at)
            found.append(FoundAlert(
                family=family.name, metric=family.metric, grain=family.grain, unit=family.unit, key=key,
                alert=a, labels=tuple(labels_between(events, key, a.start, a.end)),
                seasonal_weeks=int(v.seasonal_weeks[peak_row, col]), settings=s))
    return v, found
