"""Sparse, bursty counts without a daily cycle: the normal behaviour of a low-volume 5-minute series
(mentions of a name, reports of a rare kind), shared by sample_data/subdaily_spikes.py (with labelled
bursts on top) and sample_data/quiet_series.py (without).

What is normal here, and what is not, is fixed by the generator, not by a detector:
- normal: a flat rate of 0.3-3 per 5 minutes, heavy-tailed noise (negative binomial, k 0.3-1.0:
  a 5-minute count of 5-10 against a mean of 1 happens every few days), and routine noise bursts
  of 5-10 minutes at x3-x8, about `ROUTINE_PER_DAY` a day. They are part of what the series does.
- anomalous (labelled, subdaily_spikes only): a sustained rise of x3-x10 over 30 minutes to 6 hours.
"""
from __future__ import annotations

import numpy as np

FIVE_MIN = 300
ROUTINE_PER_DAY = 1.5          # routine noise bursts a day (Poisson)
ROUTINE_STEPS = (1, 2)         # ... each 5 or 10 minutes long
ROUTINE_RISE = (3.0, 8.0)      # ... at this multiple of the rate (log-uniform)


def sparse_rate(rng: np.random.Generator) -> float:
    """Mean count per 5 minutes, log-uniform in 0.3 .. 3."""
    return float(np.exp(rng.uniform(np.log(0.3), np.log(3.0))))


def sparse_k(rng: np.random.Generator) -> float:
    return float(rng.uniform(0.3, 1.0))


def routine_factor(n_rows: int, rng: np.random.Generator) -> np.ndarray:
    """Per 5-minute row: the multiple of the rate that routine noise bursts bring (1 elsewhere)."""
    factor = np.ones(n_rows)
    n_bursts = int(rng.poisson(ROUTINE_PER_DAY * n_rows * FIVE_MIN / 86_400))
    for start in rng.integers(0, n_rows, n_bursts):
        length = int(rng.choice(ROUTINE_STEPS))
        factor[start:start + length] = float(np.exp(rng.uniform(*np.log(ROUTINE_RISE))))
    return factor


def nb_counts(mean: np.ndarray, k: float, rng: np.random.Generator) -> np.ndarray:
    """NB(mean, variance mean + k mean^2) as a gamma-Poisson mixture, one draw per row."""
    return rng.poisson(rng.gamma(1 / k, mean * k)).astype(float)


def to_step(five_minute: np.ndarray, step_seconds: int) -> np.ndarray:
    """Sums of whole `step_seconds` periods of a 5-minute series (the same process seen coarser)."""
    per = step_seconds // FIVE_MIN
    return five_minute[:len(five_minute) // per * per].reshape(-1, per).sum(axis=1)


CASCADES_PER_DAY = 4.0          # routine cascades a day on a busy stream (Poisson)
CASCADE_STEPS = (1, 6)          # ... each 5 to 30 minutes long
CASCADE_RISE = (1.5, 4.0)       # ... peaking at this multiple of the rate (log-uniform), then halving every 5-10 minutes


def routine_cascades(n_rows: int, rng: np.random.Generator) -> np.ndarray:
    """Per 5-minute row: the multiple of the rate that routine cascades bring (1 elsewhere): a
    post that travels lifts a mention stream at once and fades within half an hour."""
    factor = np.ones(n_rows)
    n = int(rng.poisson(CASCADES_PER_DAY * n_rows * FIVE_MIN / 86_400))
    for start in rng.integers(0, n_rows, n):
        length = int(rng.integers(CASCADE_STEPS[0], CASCADE_STEPS[1] + 1))
        peak = float(np.exp(rng.uniform(*np.log(CASCADE_RISE))))
        decay = np.power(rng.uniform(0.5, 0.7), np.arange(length))
        rows = slice(start, min(start + length, n_rows))
        factor[rows] = np.maximum(factor[rows], 1 + (peak - 1) * decay[:rows.stop - rows.start])
    return factor
