"""Labelled sub-daily count series with bursts, for judging a detector's first weeks on 5-minute and
hourly data (sample_data/spike_series.py is daily; sample_data/quiet_series.py has no anomaly).

Each series is 35 days at a 5-minute or hourly step:
    mean[t]  = volume * daily[t] * weekly[t]                 (the burst-free mean, per step)
    count[t] ~ NB(mean[t] * burst[t], variance = m + k m^2)    (k: 0 .. 0.05, mostly near Poisson)
with volumes from 10 to 1,000 an hour (log-uniform), a daily cycle of random depth and shape (a
sine, office hours with soft edges, or two peaks a day), a weekend at 60-100% of a weekday, and 2-3
bursts of x1.5 .. x5 lasting 30 minutes to 6 hours: one in days 1-21, one in days 22-34 and, in half
of the series, another in days 1-14. Bursts early on matter most: a new series must learn its daily
cycle from its first days and still see a burst on day 3.

`generate_sparse` draws a second family (names `sparse_*`, 5-minute only, its own random stream so
the family above is unchanged): sparse, bursty counts with no daily cycle (sample_data/sparse_noise.py
defines their normal burstiness), with the same 2-3 burst windows, each a sustained x3 .. x10 rise
over 30 minutes to 6 hours. Their `mean` includes the routine noise bursts: the oracle knows them.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from sample_data import sparse_noise
from sample_data.spike_series import write_counts_csv

DAYS = 35
STEPS = (300, 3600)
DAY = 86_400


@dataclass(frozen=True)
class Burst:
    start: int        # first row
    end: int          # last row (inclusive)
    rise: float       # mean x (1 + rise) during the burst
    day: float        # day of the series it starts on (0-based, fractional)


@dataclass
class SubdailySeries:
    name: str
    step_seconds: int
    index: pd.DatetimeIndex
    counts: np.ndarray         # what the detector sees
    mean: np.ndarray           # true burst-free mean per step (hidden from the detector)
    k: float
    volume: float              # typical count an hour
    cycle: str
    spikes: list[Burst] = field(default_factory=list)   # named like SpikeSeries' for the scorer

    def labels(self) -> dict:
        return {"name": self.name, "step_seconds": self.step_seconds, "volume": round(self.volume, 2),
                "k": round(self.k, 4), "cycle": self.cycle,
                "bursts": [{**asdict(b), "start_time": str(self.index[b.start]),
                            "end_time": str(self.index[b.end])} for b in self.spikes]}


def _daily_cycle(phase: np.ndarray, rng: np.random.Generator) -> tuple[str, np.ndarray]:
    """A positive factor over the day with mean about 1."""
    kind = str(rng.choice(["sine", "office hours", "two peaks"]))
    depth = float(rng.uniform(0.3, 0.9))
    shift = float(rng.uniform(0, 1))
    if kind == "sine":
        f = 1 + depth * np.sin(2 * np.pi * (phase - shift))
    elif kind == "office hours":
        x = (phase - shift) % 1.0
        on = 1 / (1 + np.exp(-(x - 0.05) / 0.01)) - 1 / (1 + np.exp(-(x - 0.45) / 0.01))
        f = (1 - depth) + 2 * depth * on
    else:
        f = 1 + depth * np.sin(4 * np.pi * (phase - shift))
    return kind, f / f.mean()


def _bursts(n_rows: int, step: int, rng: np.random.Generator,
            rises: tuple[float, float] = (0.5, 4.0)) -> list[Burst]:
    windows = [(1.0, 21.0), (22.0, 34.0)] + ([(1.0, 14.0)] if rng.random() < 0.5 else [])
    out: list[Burst] = []
    for lo, hi in windows:
        for _ in range(20):   # keep bursts a day apart, so each is its own incident
            day = float(rng.uniform(lo, hi))
            if all(abs(day - b.day) > 1.0 for b in out):
                break
        hours = float(rng.uniform(0.5, 6.0))
        start = int(day * DAY // step)
        length = max(1, int(round(hours * 3600 / step)))
        rise = float(np.exp(rng.uniform(np.log(rises[0]), np.log(rises[1]))))
        out.append(Burst(start, min(start + length - 1, n_rows - 1), rise, day))
    return sorted(out, key=lambda b: b.start)


def _index(step: int, rng: np.random.Generator) -> pd.DatetimeIndex:
    """DAYS days at `step`, from a random Monday-based start in 2026."""
    start = pd.Timestamp("2026-01-05") + pd.Timedelta(days=int(rng.integers(0, 300)))
    return pd.date_range(start, periods=DAYS * DAY // step, freq=f"{step}s")


def _day_phase(index: pd.DatetimeIndex) -> np.ndarray:
    return (index.hour * 3600 + index.minute * 60).to_numpy() / DAY


def _burst_factor(n_rows: int, bursts: list[Burst]) -> np.ndarray:
    """Per row: the multiple of the mean the labelled bursts bring (1 elsewhere)."""
    factor = np.ones(n_rows)
    for b in bursts:
        factor[b.start:b.end + 1] = 1 + b.rise
    return factor


def one_series(name: str, step: int, rng: np.random.Generator) -> SubdailySeries:
    index = _index(step, rng)
    phase = _day_phase(index)
    volume = float(np.exp(rng.uniform(np.log(10), np.log(1000))))
    cycle, daily = _daily_cycle(phase, rng)
    weekend = float(rng.uniform(0.6, 1.0))
    weekly = np.where(index.day_of_week.to_numpy() >= 5, weekend, 1.0)
    mean = volume * step / 3600 * daily * weekly
    bursts = _bursts(len(index), step, rng)
    k = float(rng.uniform(0.0, 0.05))
    m = mean * _burst_factor(len(index), bursts)
    # NB as a gamma-Poisson mixture (k = 0: Poisson).
    lam = rng.gamma(1 / k, m * k) if k > 0 else m
    counts = rng.poisson(lam).astype(float)
    return SubdailySeries(name, step, index, counts, mean, k, volume, cycle, bursts)


def generate(n_series: int = 40, seed: int = 1) -> list[SubdailySeries]:
    """Half 5-minute, half hourly series."""
    rng = np.random.default_rng(seed)
    return [one_series(f"burst_{i:03d}", STEPS[i % 2], rng) for i in range(n_series)]


def sparse_series(name: str, rng: np.random.Generator) -> SubdailySeries:
    """A 5-minute sparse bursty series (no daily cycle) with 2-3 labelled x3 .. x10 bursts."""
    step = sparse_noise.FIVE_MIN
    index = _index(step, rng)
    rate, k = sparse_noise.sparse_rate(rng), sparse_noise.sparse_k(rng)
    mean = rate * sparse_noise.routine_factor(len(index), rng)
    bursts = _bursts(len(index), step, rng, rises=(2.0, 9.0))
    counts = sparse_noise.nb_counts(mean * _burst_factor(len(index), bursts), k, rng)
    return SubdailySeries(name, step, index, counts, mean, k, rate * 12, "none (sparse)", bursts)


def generate_sparse(n_series: int = 10, seed: int = 1) -> list[SubdailySeries]:
    """Sparse bursty 5-minute series, from a stream of their own (seed, 16)."""
    rng = np.random.default_rng([seed, 16])
    return [sparse_series(f"sparse_{i:03d}", rng) for i in range(n_series)]


def bursty_series(name: str, rng: np.random.Generator) -> SubdailySeries:
    """A 5-minute series with a daily cycle whose normal behaviour includes routine bursts (a
    mention stream: a post that travels lifts it for minutes), with 2-3 labelled ones on top."""
    step = sparse_noise.FIVE_MIN
    index = _index(step, rng)
    phase = _day_phase(index)
    volume = float(np.exp(rng.uniform(np.log(50), np.log(2000))))
    cycle, daily = _daily_cycle(phase, rng)
    mean = volume * step / 3600 * daily * sparse_noise.routine_cascades(len(index), rng)
    bursts = _bursts(len(index), step, rng)
    k = float(rng.uniform(0.02, 0.15))
    counts = sparse_noise.nb_counts(mean * _burst_factor(len(index), bursts), k, rng)
    return SubdailySeries(name, step, index, counts, mean, k, volume, f"{cycle}, routine bursts", bursts)


def generate_bursty(n_series: int = 20, seed: int = 1) -> list[SubdailySeries]:
    """Bursty 5-minute series with a daily cycle, from a stream of their own (seed, 17)."""
    rng = np.random.default_rng([seed, 17])
    return [bursty_series(f"bursty_{i:03d}", rng) for i in range(n_series)]


def write_series_csv(series: SubdailySeries, path: Path) -> None:
    write_counts_csv(path, series.index.strftime("%Y-%m-%d %H:%M:%S"), series.counts)


def write_all(series: list[SubdailySeries], out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    for s in series:
        write_series_csv(s, out_dir / f"{s.name}.csv")
    (out_dir / "labels.json").write_text(json.dumps([s.labels() for s in series], indent=1), encoding="utf-8")
