"""Labelled abuse spikes planted in the stream, and their ground truth.

A spike is one series (abuse category x region) running at `multiplier` x its normal volume for
1-4 whole days. The extra tickets follow the series' own seasonality and mostly share one
language and one vendor, so a drill-down has a planted contributor to find. Spikes never start in
the first 28 days (the detectors' baseline warm-up) and never share a series, so they never
overlap one another.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

import numpy as np

from sample_data import catalog
from sample_data.plan import Plan

WARMUP_DAYS = 28
SPIKES_PER_180_DAYS = 6
CONTRIBUTOR_SHARE = 0.85      # share of extra tickets carrying the planted language / vendor


@dataclass
class Spike:
    id: str
    category: int
    region: int
    start_hour: int           # hours since the window start (UTC)
    hours: int
    multiplier: float
    language: int
    vendor: int
    baseline_per_day: float
    extra_tickets: int = 0

    def ground_truth(self, start_epoch: int) -> dict:
        return {
            "id": self.id,
            "abuse_category": catalog.CATEGORIES[self.category],
            "region": catalog.REGIONS[self.region],
            "start": _iso(start_epoch + self.start_hour * 3600),
            "end": _iso(start_epoch + (self.start_hour + self.hours) * 3600),
            "multiplier": round(self.multiplier, 3),
            "extra_tickets": int(self.extra_tickets),
            "baseline_per_day": round(self.baseline_per_day, 3),
            "top_language": catalog.LANGUAGES[self.language],
            "top_vendor": catalog.VENDORS[self.vendor],
        }


def _iso(epoch: int) -> str:
    return datetime.fromtimestamp(epoch, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def spike_count(days: int) -> int:
    if days < WARMUP_DAYS + 5:
        return 0
    return max(1, round(days * SPIKES_PER_180_DAYS / 180))


def _planted_language(rng: np.random.Generator, region: int) -> int:
    """A minority language of the region, so the spike shifts the language mix visibly."""
    weights = catalog.REGION_LANGUAGE_WEIGHTS[region].copy()
    weights[np.argmax(weights)] = 0.0
    if weights.sum() == 0:
        return int(np.argmax(catalog.REGION_LANGUAGE_WEIGHTS[region]))
    return int(rng.choice(len(weights), p=weights / weights.sum()))


def _planted_vendor(rng: np.random.Generator, region: int) -> int:
    serving = np.flatnonzero(catalog.REGION_VENDOR_WEIGHTS[region] > 0)
    return int(rng.choice(serving))


def plan_spikes(plan: Plan, rng: np.random.Generator) -> list[Spike]:
    """Choose the spikes from the master stream, favouring bigger series (volume ** 1.5).

    Big series spike more often in practice (coordinated campaigns target busy surfaces), and a
    spike on a series with a ticket a week would not be a visible, labelled event.
    """
    days = plan.options.days
    count = spike_count(days)
    series_volume = plan.rate.sum(axis=0)                   # [region, category]
    series_volume[:, catalog.OTHER] = 0.0                   # legacy bucket never spikes
    flat = series_volume.ravel() ** 1.5
    flat = flat / flat.sum()
    chosen = rng.choice(flat.size, size=count, replace=False, p=flat)
    spikes = []
    for k, cell in enumerate(chosen):
        region, category = divmod(int(cell), len(catalog.CATEGORIES))
        length_days = int(rng.integers(1, 5))
        first_day = int(rng.integers(WARMUP_DAYS, days - length_days + 1))
        start_hour = first_day * 24 + int(rng.integers(0, 24))
        hours = length_days * 24
        if start_hour + hours > days * 24:     # a spike starting late on the last day is cut
            start_hour = (days - length_days) * 24
        multiplier = float(rng.uniform(1.5, 5.0))
        baseline = plan.rate[start_hour:start_hour + hours, region, category].sum()
        spikes.append(Spike(
            id=f"spike-{k + 1:02d}", category=category, region=region, start_hour=start_hour,
            hours=hours, multiplier=multiplier, language=_planted_language(rng, region),
            vendor=_planted_vendor(rng, region), baseline_per_day=float(baseline / length_days)))
    spikes.sort(key=lambda s: s.start_hour)
    for k, spike in enumerate(spikes):
        spike.id = f"spike-{k + 1:02d}"
    return spikes


def extra_rate(plan: Plan, day: int) -> tuple[np.ndarray, np.ndarray]:
    """For one day: extra expected tickets [24, region, category] and the spike index per cell."""
    shape = (24,) + plan.rate.shape[1:]
    extra = np.zeros(shape)
    owner = np.full(shape, -1, dtype=np.int16)
    day_hours = np.arange(day * 24, day * 24 + 24)
    for k, spike in enumerate(plan.spikes):
        inside = (day_hours >= spike.start_hour) & (day_hours < spike.start_hour + spike.hours)
        if not inside.any():
            continue
        base = plan.rate[day_hours, spike.region, spike.category]
        extra[:, spike.region, spike.category] = np.where(inside, base * (spike.multiplier - 1), 0)
        owner[inside, spike.region, spike.category] = k
    return extra, owner
