"""Rolling statistics over 2-D arrays `values[t, series]`, every one from points before t only:
the building blocks of the baselines (anomaly/baseline.py, anomaly/warmup.py)."""
from __future__ import annotations

import numpy as np
import pandas as pd

HOUR_SECONDS = 3_600
DAY_SECONDS = 86_400
WEEK_SECONDS = 7 * DAY_SECONDS


def steps_per(seconds: float, step_seconds: float) -> int:
    return max(1, int(round(seconds / step_seconds)))


def _rolling_median(a: np.ndarray, window: int, min_periods: int, center: bool = False) -> np.ndarray:
    """Column-wise rolling median (pandas' skiplist in C: one pass per column, no Python per point)."""
    frame = pd.DataFrame(a, copy=False)
    return frame.rolling(window, min_periods=min_periods, center=center).median().to_numpy()


def _past_mean_count(a: np.ndarray, window: int, min_periods: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Mean and count of the non-NaN values of a[t-window .. t-1] (NaN mean below min_periods),
    from cumulative sums over the whole matrix at once: pandas' rolling mean loops over columns,
    and at 1,000 series its per-column overhead is most of the cost."""
    zeros = np.zeros((1,) + a.shape[1:])
    total = np.concatenate((zeros, np.cumsum(np.nan_to_num(a), axis=0)))
    seen = np.concatenate((zeros, np.cumsum(~np.isnan(a), axis=0, dtype=float)))
    ends = np.arange(a.shape[0])                   # row t sums rows start .. t-1
    starts = np.maximum(ends - window, 0)
    count = seen[ends] - seen[starts]
    with np.errstate(all="ignore"):
        mean = np.where(count >= max(min_periods, 1), (total[ends] - total[starts]) / count, np.nan)
    return mean, count


def _shift(a: np.ndarray, k: int) -> np.ndarray:
    """a[t - k] at row t; NaN where t - k < 0."""
    out = np.full_like(a, np.nan, dtype=float)
    if k < a.shape[0]:
        out[k:] = a[: a.shape[0] - k]
    return out


def _past(a: np.ndarray, window: int, min_periods: int) -> np.ndarray:
    """Median of a[t-window .. t-1]: the window ends just before t."""
    return _shift(_rolling_median(a, window, min_periods), 1)


def _nanmedian_first_axis(stack: np.ndarray, overwrite: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Median over axis 0 ignoring NaN, and how many values it used (NaN where none): a sort puts
    NaN last, so the middle of the first n values is the median (numpy's nanmedian is 20x slower).
    `overwrite`: sort `stack` itself (a temporary) instead of a copy."""
    n = np.sum(~np.isnan(stack), axis=0)
    if overwrite:
        stack.sort(axis=0)
        ordered = stack
    else:
        ordered = np.sort(stack, axis=0)
    lo = np.take_along_axis(ordered, np.maximum((n - 1) // 2, 0)[None], axis=0)[0]
    hi = np.take_along_axis(ordered, np.maximum(n // 2, 0)[None], axis=0)[0]
    return np.where(n > 0, (lo + hi) / 2, np.nan), n.astype(np.int16)
