"""Labelled weekly and monthly count series, for judging `detect-csv` on steps coarser than a day
(sample_data/spike_series.py is daily, sample_data/subdaily_spikes.py finer).

Each series:
    mean[t]  = volume * trend[t] * season[t] * shift[t]          (the spike-free mean per period)
    count[t] ~ NB(mean[t] * (1 + spike[t]), variance = m + k m^2)
with volumes from 20 to 20,000 a period (log-uniform), a trend of -30% .. +30% a year, a yearly
season of amplitude 0 .. 15% (a sine: weekly reports of abuse rise in some months), in 30% of the
series one permanent level shift of x0.6 .. x1.6, over-dispersion sd/mean 3% .. 15% at high volume,
and 1 or 2 spikes of +40% .. +400% (uniform) lasting 1 or 2 periods, after a warm-up of 24 periods.
Half the series are weekly (3 to 6 years), half monthly (6 to 12 years).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from sample_data.spike_series import RISE_RANGE, PlantedSpike, write_counts_csv

WARMUP_PERIODS = 24
KINDS = {"weekly": ("7D", 52.18, (156, 312)), "monthly": ("MS", 12.0, (72, 144))}


@dataclass
class CoarseSeries:
    name: str
    period: str                # weekly | monthly
    dates: pd.DatetimeIndex
    counts: np.ndarray         # what the detector sees
    mean: np.ndarray           # true spike-free mean (hidden from the detector)
    k: float
    volume: float
    spikes: list[PlantedSpike] = field(default_factory=list)
    shift_at: int | None = None


def _spike_rows(n_rows: int, rng: np.random.Generator) -> list[tuple[int, int, bool]]:
    length = int(rng.integers(1, 3))
    start = int(rng.integers(WARMUP_PERIODS, n_rows - 6))
    out = [(start, start + length - 1, False)]
    if rng.random() < 0.5:
        second = start + length - 1 + int(rng.integers(4, 13))
        if second + 2 < n_rows:
            out.append((second, second + int(rng.integers(1, 3)) - 1, True))
    return out


def one_series(name: str, period: str, rng: np.random.Generator) -> CoarseSeries:
    freq, per_year, (lo, hi) = KINDS[period]
    n_rows = int(rng.integers(lo, hi + 1))
    start = pd.Timestamp("2015-01-04") + pd.Timedelta(days=7 * int(rng.integers(0, 52)))
    dates = pd.date_range(start if period == "weekly" else start.replace(day=1), periods=n_rows, freq=freq)
    years = np.arange(n_rows) / per_year
    volume = float(np.exp(rng.uniform(np.log(20), np.log(20_000))))
    trend = np.exp(rng.uniform(-0.3, 0.3) * years)
    season = 1 + rng.uniform(0, 0.15) * np.sin(2 * np.pi * (years + rng.uniform(0, 1)))
    shift = np.ones(n_rows)
    shift_at = None
    if rng.random() < 0.3:
        shift_at = int(rng.integers(WARMUP_PERIODS // 2, n_rows - 8))
        shift[shift_at:] = float(np.exp(rng.uniform(np.log(0.6), np.log(1.6))))
    mean = volume * trend * season * shift
    k = float(rng.uniform(0.03, 0.15)) ** 2
    multiplier = np.ones(n_rows)
    spikes = []
    for s, e, second in _spike_rows(n_rows, rng):
        rise = float(rng.uniform(*RISE_RANGE))
        multiplier[s:e + 1] += rise
        spikes.append(PlantedSpike(s, e, rise, second))
    m = mean * multiplier
    counts = rng.negative_binomial(1.0 / k, (1.0 / k) / (1.0 / k + m)).astype(float)
    return CoarseSeries(name, period, dates, counts, mean, k, volume, spikes, shift_at)


def generate(n_series: int = 40, seed: int = 1) -> list[CoarseSeries]:
    rng = np.random.default_rng(seed)
    return [one_series(f"{period}_{i:03d}", period, rng)
            for i in range(n_series) for period in [("weekly", "monthly")[i % 2]]]


def write_series_csv(series: CoarseSeries, path: Path) -> None:
    """A `timestamp,value` CSV: weekly dates, or a month as `2026-03` (as BI tools write months)."""
    write_counts_csv(path, series.dates.strftime("%Y-%m-%d" if series.period == "weekly" else "%Y-%m"), series.counts)
