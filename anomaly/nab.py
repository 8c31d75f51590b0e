"""NAB (Numenta Anomaly Benchmark) scoring, implemented from its published rules.

Rules (see shared/datasets/nab_realtweets/README.md): labelled windows; the first
min(floor(0.15 * rows), 750) rows are probation and not scored; a detection inside a window earns
A_TP * sigma(y) / sigma(-1) with y = -(right - i + 1) / width and only the best one per window
counts; a window without detection costs A_FN; each detection outside every window costs
A_FP * sigma(y) with y = rows past the previous window's right edge / (its width - 1), or the full
A_FP before any window; sigma(y) = 2 / (1 + exp(5y)) - 1, and -1 beyond y > 3.
Normalised score = 100 * (S - S_null) / (S_perfect - S_null) over all files.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from core.errors import InputError


class NabDataError(InputError):
    """A NAB data, label or result file is missing or does not match its series."""


@dataclass(frozen=True)
class Profile:
    name: str
    a_tp: float
    a_fp: float
    a_fn: float


WINDOW_SHARE = 0.10     # NAB's labelled windows together span 10% of a file, shared among its anomalies

PROFILES = {
    "standard": Profile("standard", 1.0, 0.11, 1.0),
    "reward_low_fp_rate": Profile("reward_low_fp_rate", 1.0, 0.22, 1.0),
    "reward_low_fn_rate": Profile("reward_low_fn_rate", 1.0, 0.11, 2.0),
}


@dataclass(frozen=True)
class FileScore:
    name: str
    score: float
    n_windows: int
    tp: int          # detected rows inside windows (after probation)
    fp: int          # detected rows outside windows (after probation)
    windows_hit: int
    tp_value: float = 0.0    # what the flagged windows earned (each its earliest flag's weight)
    fp_value: float = 0.0    # what the flags outside windows cost (<= 0)


def scaled_sigmoid(y: np.ndarray | float) -> np.ndarray:
    y = np.asarray(y, dtype=float)
    return np.where(y > 3.0, -1.0, 2.0 / (1.0 + np.exp(5.0 * y)) - 1.0)


def probation_rows(n_rows: int, percent: float = 0.15) -> int:
    return int(min(math.floor(percent * n_rows), percent * 5000))


def window_rows(timestamps: pd.DatetimeIndex, windows: list[tuple[str, str]], name: str) -> list[tuple[int, int]]:
    """(left, right) row numbers of each window; the labels must name existing rows."""
    pos = pd.Series(np.arange(len(timestamps)), index=timestamps)
    out = []
    for start, end in windows:
        try:
            out.append((int(pos[pd.Timestamp(start)]), int(pos[pd.Timestamp(end)])))
        except KeyError as exc:
            raise NabDataError(f"{name}: window [{start}, {end}] names a timestamp not in the data") from exc
    return sorted(out)


def score_detections(detected: np.ndarray, windows: list[tuple[int, int]],
                     profile: Profile = PROFILES["standard"], name: str = "") -> FileScore:
    """Score one file's detections (bool per row) against its windows (row ranges)."""
    detected = np.asarray(detected, dtype=bool)
    n = detected.size
    probation = probation_rows(n)
    max_tp = float(scaled_sigmoid(-1.0))
    window_id = np.full(n, -1)
    prev_right = np.full(n, -1)     # right edge of the last window that ended before row i
    prev_width = np.full(n, 0.0)
    for k, (left, right) in enumerate(windows):
        window_id[left:right + 1] = k
        prev_right[right + 1:] = right
        prev_width[right + 1:] = right - left + 1
    rows = np.flatnonzero(detected & (np.arange(n) >= probation))
    fp_value, tp, fp = 0.0, 0, 0
    best = {}
    for i in rows:
        k = window_id[i]
        if k >= 0:
            left, right = windows[k]
            width = right - left + 1
            y = -(right - i + 1) / width
            value = profile.a_tp * float(scaled_sigmoid(y)) / max_tp
            best[k] = max(best.get(k, -math.inf), value)
            tp += 1
        else:
            if prev_right[i] < 0:
                unweighted = -1.0
            else:
                unweighted = float(scaled_sigmoid(abs(prev_right[i] - i) / (prev_width[i] - 1)))
            fp_value += unweighted * profile.a_fp
            fp += 1
    tp_value = sum(best.values())
    total = fp_value + tp_value - profile.a_fn * (len(windows) - len(best))
    return FileScore(name, total, len(windows), tp, fp, len(best), tp_value, fp_value)


def points_lost(scores: list[FileScore], profile: Profile = PROFILES["standard"]) -> dict[str, float]:
    """Where the normalised score's shortfall from 100 goes: windows missed (their reward and their
    penalty), windows flagged late in them (a flag at a window's start earns the full reward, one at
    its end nothing), and flags outside every window. The three add up to 100 - `normalised`."""
    n_windows = sum(s.n_windows for s in scores)
    if n_windows == 0:
        return {"misses": 0.0, "lateness": 0.0, "false flags": 0.0}
    hits = sum(s.windows_hit for s in scores)
    scale = 100.0 / ((profile.a_tp + profile.a_fn) * n_windows)
    return {"misses": 100.0 * (n_windows - hits) / n_windows,
            "lateness": scale * (profile.a_tp * hits - sum(s.tp_value for s in scores)),
            "false flags": -scale * sum(s.fp_value for s in scores)}


def format_points_lost(scores: list[FileScore]) -> str:
    lost = points_lost(scores)
    return (f"points lost to missed windows {lost['misses']:.1f}, to late flags {lost['lateness']:.1f}, "
            f"to flags outside windows {lost['false flags']:.1f}")


def normalised(scores: list[FileScore], profile: Profile = PROFILES["standard"]) -> float:
    n_windows = sum(s.n_windows for s in scores)
    raw = sum(s.score for s in scores)
    null, perfect = -profile.a_fn * n_windows, profile.a_tp * n_windows
    return 100.0 * (raw - null) / (perfect - null)


# --- the dataset on disk -------------------------------------------------------------------------

def load_windows(nab_dir: Path) -> dict[str, list[tuple[str, str]]]:
    """`realTweets/<file>.csv` -> list of (start, end) strings without NAB's `.000000` suffix."""
    path = Path(nab_dir) / "labels" / "combined_windows.json"
    if not path.exists():
        raise NabDataError(f"{path}: not found; --nab must point at a folder with data/ and labels/")
    raw = json.loads(path.read_text(encoding="utf-8"))
    return {key: [(a.split(".")[0], b.split(".")[0]) for a, b in wins] for key, wins in raw.items()}


def data_files(nab_dir: Path) -> list[Path]:
    files = sorted((Path(nab_dir) / "data").glob("*.csv"))
    if not files:
        raise NabDataError(f"{Path(nab_dir) / 'data'}: no CSV files")
    return files


def read_series(path: Path) -> pd.Series:
    frame = pd.read_csv(path)
    if list(frame.columns[:2]) != ["timestamp", "value"]:
        raise NabDataError(f"{path}: expected header timestamp,value, got {','.join(frame.columns)}")
    return pd.Series(frame["value"].to_numpy(dtype=float), index=pd.DatetimeIndex(frame["timestamp"]))


def label_key(path: Path) -> str:
    return f"realTweets/{path.name}"


def score_reference(nab_dir: Path, detector: str, threshold: float,
                    profile: Profile = PROFILES["standard"]) -> list[FileScore]:
    """Re-score a published detector's per-row scores (reference_results/<detector>/)."""
    windows = load_windows(nab_dir)
    out = []
    for path in data_files(nab_dir):
        result = Path(nab_dir) / "reference_results" / detector / f"{detector}_{path.name}"
        if not result.exists():
            raise NabDataError(f"{result}: not found")
        frame = pd.read_csv(result)
        ts = pd.DatetimeIndex(frame["timestamp"])
        rows = window_rows(ts, windows.get(label_key(path), []), result.name)
        out.append(score_detections(frame["anomaly_score"].to_numpy() >= threshold, rows, profile, path.name))
    return out


def read_reference_scores(nab_dir: Path, detector: str) -> dict[str, float]:
    """NAB's own per-file standard scores for a reference detector, keyed by data file name."""
    path = Path(nab_dir) / "reference_results" / detector / f"{detector}_standard_scores_realTweets.csv"
    frame = pd.read_csv(path)
    return {Path(f).name: float(v) for f, v in zip(frame["File"], frame["Score"])}
