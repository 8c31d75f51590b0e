"""Sub-daily series with no anomaly at all, for counting false alerts (every alert is false).

Each series is 14 or 28 days at a 5-minute or hourly step, one of:
- flat: a constant (a metric that never moves);
- noisy flat: a constant plus small Gaussian noise;
- daily cycle: a sine over the day with no noise, or with small noise;
- square wave: a daily on/off level (a batch job, office hours), with or without small noise;
- daily counts: Poisson counts around a daily cycle (tickets per 5 minutes / hour);
- sparse bursty counts: no daily cycle, heavy-tailed noise and routine 5-10 minute noise bursts
  (sample_data/sparse_noise.py), drawn at 5 minutes and summed to the step. Last in `SHAPES`, so
  the series of the shapes before it are drawn as they were before it was added.
Levels are drawn at random (10 .. 100) so no detector default fits one number. The first two weeks
matter most: a detector whose weekly model needs two weeks of history must not page on the first
daily peaks while it has only a level.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from sample_data import sparse_noise

SHAPES = ("flat", "noisy flat", "daily cycle", "daily cycle, small noise", "square wave",
          "square wave, small noise", "daily counts", "sparse bursty counts")
STEPS = (300, 3600)


@dataclass
class QuietSeries:
    name: str
    shape: str
    step_seconds: int
    index: pd.DatetimeIndex
    values: np.ndarray


def _daily_phase(index: pd.DatetimeIndex) -> np.ndarray:
    return (index.hour * 3600 + index.minute * 60 + index.second).to_numpy() / 86_400.0


def one_series(name: str, shape: str, step: int, days: int, rng: np.random.Generator) -> QuietSeries:
    start = pd.Timestamp("2026-01-05") + pd.Timedelta(days=int(rng.integers(0, 300)))
    index = pd.date_range(start, periods=days * 86_400 // step, freq=f"{step}s")
    if shape == "sparse bursty counts":
        return QuietSeries(name, shape, step, index, _sparse_counts(days, step, rng))
    phase = _daily_phase(index)
    level = float(rng.uniform(10, 100))
    amplitude = level * float(rng.uniform(0.3, 0.9))
    noise_sd = level * float(rng.uniform(0.01, 0.05))
    cycle = np.sin(2 * np.pi * (phase - float(rng.uniform(0, 1))))
    if shape == "flat":
        values = np.full(len(index), level)
    elif shape == "noisy flat":
        values = level + rng.normal(0, noise_sd, len(index))
    elif shape.startswith("daily cycle"):
        values = level + amplitude * cycle
    elif shape.startswith("square wave"):
        on = (phase + float(rng.uniform(0, 1))) % 1.0 < float(rng.uniform(0.3, 0.7))
        values = np.where(on, level + amplitude, level)
    else:   # daily counts
        rate = level * step / 3600 * (1 + 0.8 * cycle)
        return QuietSeries(name, shape, step, index, rng.poisson(rate).astype(float))
    if shape.endswith("small noise"):
        values = values + rng.normal(0, noise_sd, len(index))
    return QuietSeries(name, shape, step, index, np.round(values, 3))


def _sparse_counts(days: int, step: int, rng: np.random.Generator) -> np.ndarray:
    n = days * 86_400 // sparse_noise.FIVE_MIN
    mean = sparse_noise.sparse_rate(rng) * sparse_noise.routine_factor(n, rng)
    return sparse_noise.to_step(sparse_noise.nb_counts(mean, sparse_noise.sparse_k(rng), rng), step)


def generate(seed: int = 1, days: tuple[int, ...] = (14, 28)) -> list[QuietSeries]:
    """One series per shape x step x length (32 with the defaults)."""
    rng = np.random.default_rng(seed)
    return [one_series(f"quiet_{i:03d}", shape, step, n_days, rng)
            for i, (shape, step, n_days) in enumerate(
                (sh, st, d) for sh in SHAPES for st in STEPS for d in days)]


def write_series_csv(series: QuietSeries, path: Path) -> None:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["timestamp", "value"])
        for t, v in zip(series.index.strftime("%Y-%m-%d %H:%M:%S"), series.values):
            writer.writerow([t, int(v) if series.shape.endswith("counts") else v])
