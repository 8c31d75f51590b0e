"""Score `detect-csv` on NAB realTweets with its default settings, and re-score the references."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from anomaly.csv_series import detect_csv
from anomaly.nab import (PROFILES, FileScore, data_files, label_key, load_windows, normalised,
                         read_reference_scores, score_detections, score_reference, window_rows)
from anomaly.settings import DetectorSettings

REFERENCE_THRESHOLDS = {"numenta": 0.542187690735, "twitterADVec": 0.5}


@dataclass(frozen=True)
class NabReport:
    files: list[FileScore]
    normalised: dict[str, float]             # profile -> normalised score of our detector
    reference: dict[str, tuple[float, float]]  # detector -> (our re-score, NAB's published per-file sum)

    @property
    def standard(self) -> float:
        return self.normalised["standard"]


def detector_flags(nab_dir: Path, settings: DetectorSettings) -> dict[Path, tuple]:
    """Per file: (timestamps, flags), from what `detect-csv` prints for the file: a flag on the
    first row of each alert (`alert_id`), as a pager would send it."""
    out = {}
    for path in data_files(nab_dir):
        frame = detect_csv(path, settings=settings).frame
        out[path] = (pd.DatetimeIndex(pd.to_datetime(frame["timestamp"])), alert_onsets(frame["alert_id"].to_numpy()))
    return out


def alert_onsets(alert_ids: np.ndarray) -> np.ndarray:
    """True on the first row of each alert `detect-csv` prints (its `alert_id` column)."""
    previous = np.concatenate(([""], alert_ids[:-1]))
    return (alert_ids != "") & (alert_ids != previous)


def evaluate_nab(nab_dir: Path, settings: DetectorSettings | None = None) -> NabReport:
    settings = settings or DetectorSettings()
    windows = load_windows(nab_dir)
    flags = detector_flags(nab_dir, settings)
    by_profile: dict[str, list[FileScore]] = {}
    for name, profile in PROFILES.items():
        by_profile[name] = [
            score_detections(f, window_rows(ts, windows.get(label_key(p), []), p.name), profile, p.name)
            for p, (ts, f) in flags.items()]
    reference = {}
    for det, threshold in REFERENCE_THRESHOLDS.items():
        ref_dir = Path(nab_dir) / "reference_results" / det
        if ref_dir.exists():
            ours = score_reference(nab_dir, det, threshold)
            published = read_reference_scores(nab_dir, det)
            reference[det] = (normalised(ours), _normalised_sum(published, ours))
    return NabReport(files=by_profile["standard"],
                     normalised={k: normalised(v, PROFILES[k]) for k, v in by_profile.items()},
                     reference=reference)


def _normalised_sum(published: dict[str, float], like: list[FileScore]) -> float:
    n_windows = sum(s.n_windows for s in like)
    return 100.0 * (sum(published.values()) + n_windows) / (2 * n_windows)
