"""Generated monitoring series with labelled anomalies, as real ones come: levels (CPU percent,
latency, error rate) every 5 minutes in local time across a daylight-saving change, with missing
rows, an outage gap, duplicated and jittered timestamps.

A stand-in for the "real monitoring series" of issue 16, which this project has no copy of: the
shapes are what such series show (a daily cycle, autocorrelated noise, spikes, a level shift that
stays, an outage drop to zero), and what is normal and what is labelled is fixed here:
- normal: the level with its daily cycle and AR(1) noise, whatever the noise does;
- labelled: a spike of 6-12 noise sds (x2-x4 for latency) lasting 15 minutes to 2 hours, a
  permanent level shift of 5-8 sds (x1.6-x2.5), or an outage drop to about zero lasting 30
  minutes to 3 hours; labelled at its first row, NAB-style.
Scored by anomaly/evaluate_monitoring.py with NAB's standard profile.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np

STEP = timedelta(minutes=5)
DAYS = 21
# (zone, first day of the series): a spring-forward and a fall-back change, each ~a week in
ZONES = (("Europe/Berlin", datetime(2026, 3, 22, tzinfo=timezone.utc)),
         ("America/New_York", datetime(2026, 10, 25, tzinfo=timezone.utc)))
KINDS = ("cpu_percent", "latency_ms", "error_rate_pct")
ANOMALY_KINDS = ("spike", "level_shift", "outage")


@dataclass(frozen=True)
class Anomaly:
    kind: str
    start: datetime          # UTC
    end: datetime            # UTC; a level shift ends with the series


@dataclass
class MonitoringSeries:
    name: str
    kind: str
    zone: str
    instants: list[datetime]          # UTC, one per written row, in file order
    values: np.ndarray
    anomalies: list[Anomaly]
    notes: list[str] = field(default_factory=list)

    def local_text(self) -> list[str]:
        tz = ZoneInfo(self.zone)
        return [t.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S") for t in self.instants]


def generate(n_series: int = 30, seed: int = 1) -> list[MonitoringSeries]:
    rng = np.random.default_rng(seed)
    return [_one(f"monitor-{seed}-{i:03d}", rng, i) for i in range(n_series)]


def _one(name: str, rng: np.random.Generator, i: int) -> MonitoringSeries:
    zone, first_day = ZONES[i % len(ZONES)]
    kind = KINDS[int(rng.integers(len(KINDS)))]
    n = DAYS * 24 * 12
    grid = [first_day + k * STEP for k in range(n)]
    hours = np.array([(t - first_day).total_seconds() / 3600 for t in grid])
    base, noise_sd, values = _normal_values(kind, hours, rng)
    anomalies = _plant(kind, grid, values, base, noise_sd, rng)
    keep, notes = _irregular_rows(n, grid, anomalies, rng)
    instants = [grid[k] for k in keep]
    written = values[keep].copy()
    instants, written = _duplicate_and_jitter(instants, written, rng, notes)
    decimals = 1 if kind != "error_rate_pct" else 3
    return MonitoringSeries(name, kind, zone, instants, np.round(written, decimals), anomalies, notes)


def _normal_values(kind: str, hours: np.ndarray, rng: np.random.Generator) -> tuple[float, float, np.ndarray]:
    phase = rng.uniform(0, 24)
    cycle = np.sin(2 * np.pi * (hours - phase) / 24)
    phi = rng.uniform(0.5, 0.9)
    shocks = rng.normal(0, 1, hours.size)
    ar = np.empty(hours.size)
    ar[0] = shocks[0]
    for k in range(1, hours.size):
        ar[k] = phi * ar[k - 1] + np.sqrt(1 - phi ** 2) * shocks[k]
    if kind == "cpu_percent":
        base, sd = rng.uniform(15, 60), rng.uniform(1, 5)
        return base, sd, np.clip(base * (1 + rng.uniform(0, 0.5) * cycle) + sd * ar, 0, 100)
    if kind == "latency_ms":
        base, sd = rng.uniform(50, 400), rng.uniform(0.05, 0.25)     # sd in log units
        return base, sd, base * np.exp(rng.uniform(0, 0.4) * cycle + sd * ar)
    base = rng.uniform(0.1, 3.0)
    sd = base * rng.uniform(0.05, 0.2)
    return base, sd, np.clip(base * (1 + rng.uniform(0, 0.3) * cycle) + sd * ar, 0, None)


def _plant(kind: str, grid: list[datetime], values: np.ndarray, base: float, sd: float,
           rng: np.random.Generator) -> list[Anomaly]:
    """1-3 anomalies from day 4 on, at least two days apart; a level shift only as the last one."""
    n_anomalies = int(rng.integers(1, 4))
    day_rows = 24 * 12
    starts = sorted(rng.choice(np.arange(4, DAYS - 1), size=n_anomalies, replace=False) * day_rows
                    + rng.integers(0, day_rows, n_anomalies))
    starts = [s for k, s in enumerate(starts) if k == 0 or s - starts[k - 1] >= 2 * day_rows]
    out = []
    for k, start in enumerate(starts):
        # an error rate falling to zero is good news, not an outage; a shift only once, at the end
        options = ["spike"] + (["outage"] if kind != "error_rate_pct" else []) \
            + (["level_shift"] if k == len(starts) - 1 else [])
        shape = options[int(rng.integers(len(options)))]
        end = _apply(shape, kind, values, int(start), base, sd, rng)
        out.append(Anomaly(shape, grid[int(start)], grid[min(end, len(grid) - 1)]))
    return out


def _apply(shape: str, kind: str, values: np.ndarray, start: int, base: float, sd: float,
           rng: np.random.Generator) -> int:
    """Change `values` in place from `start`; returns the anomaly's last row."""
    if shape == "level_shift":
        stop = values.size
    elif shape == "spike":
        stop = start + int(rng.integers(3, 25))           # 15 minutes to 2 hours
    else:
        stop = start + int(rng.integers(6, 37))           # outage: 30 minutes to 3 hours
    stop = min(stop, values.size)
    if shape == "outage":
        values[start:stop] = np.abs(rng.normal(0, 0.02 * base, stop - start))
    elif kind == "latency_ms":
        values[start:stop] *= rng.uniform(2, 4) if shape == "spike" else rng.uniform(1.6, 2.5)
    else:
        size = rng.uniform(6, 12) if shape == "spike" else rng.uniform(5, 8)
        values[start:stop] += size * sd
        if kind == "cpu_percent":
            np.clip(values, 0, 100, out=values)
    return stop - 1


def _irregular_rows(n: int, grid: list[datetime], anomalies: list[Anomaly],
                    rng: np.random.Generator) -> tuple[np.ndarray, list[str]]:
    """Rows kept: 0.5% missing at random, and in half the series an outage of the exporter (1-4
    hours without rows) away from the labelled anomalies."""
    keep = rng.random(n) >= 0.005
    notes = [f"{int((~keep).sum())} rows missing"]
    if rng.random() < 0.5:
        length = int(rng.integers(12, 49))
        for _ in range(20):
            at = int(rng.integers(n // 5, n - length))
            span = (grid[at], grid[at + length])
            if all(span[1] < a.start - timedelta(hours=12) or span[0] > a.end + timedelta(hours=12)
                   for a in anomalies):
                keep[at:at + length] = False
                notes.append(f"exporter gap of {length * 5} minutes")
                break
    return np.flatnonzero(keep), notes


def _duplicate_and_jitter(instants: list[datetime], values: np.ndarray, rng: np.random.Generator,
                          notes: list[str]) -> tuple[list[datetime], np.ndarray]:
    """0.3% of rows written twice (the second value a little off), 1% of timestamps off by 1-30 s."""
    out_t, out_v = [], []
    n_dup = n_jitter = 0
    for t, v in zip(instants, values):
        if rng.random() < 0.01:
            t = t + timedelta(seconds=int(rng.choice([-1, 1]) * rng.integers(1, 31)))
            n_jitter += 1
        out_t.append(t)
        out_v.append(v)
        if rng.random() < 0.003:
            out_t.append(t)
            out_v.append(v * (1 + rng.normal(0, 0.01)))
            n_dup += 1
    notes += [f"{n_dup} rows duplicated", f"{n_jitter} timestamps jittered"]
    return out_t, np.array(out_v)


def write_series_csv(series: MonitoringSeries, path: Path) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("timestamp,value\n")
        for text, value in zip(series.local_text(), series.values):
            fh.write(f"{text},{value}\n")
