"""Score `detect-csv` on generated monitoring series (sample_data.monitoring_series) with NAB's
standard profile: a flag on the first row of each alert it prints (`alert_id`), windows of 10% of
the series' length shared among its anomalies and centred on each, the first 15% probationary.

A stand-in for issue 16's "real monitoring series with gaps, DST and duplicates: none refused, NAB
score >= 50", which this project has no data set for: generated, so read it as what the detector
does on those shapes, not as a score on real data.

python -m anomaly.evaluate_monitoring SEED ['{"setting": value}']
"""
from __future__ import annotations

import tempfile
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np

from anomaly.csv_series import detect_csv
from core.errors import InputError
from anomaly.evaluate_nab import alert_onsets
from anomaly.evaluate_spikes import DAYS_PER_MONTH
from anomaly.nab import PROFILES, WINDOW_SHARE, FileScore, format_points_lost, normalised, score_detections
from anomaly.settings import DetectorSettings
from sample_data.monitoring_series import MonitoringSeries, generate, write_series_csv


@dataclass
class MonitoringReport:
    files: list[FileScore]
    refused: list[str]                      # series detect-csv would not read, with why
    found_by_kind: dict[str, tuple[int, int]]   # anomaly kind -> (windows, windows flagged)
    false_per_series_month: float

    @property
    def standard(self) -> float:
        return normalised(self.files, PROFILES["standard"])


def _onsets_and_instants(series: MonitoringSeries, path: Path, settings: DetectorSettings
                         ) -> tuple[np.ndarray, list[datetime]]:
    frame = detect_csv(path, settings=settings).frame
    instant_of = {}
    for text, instant in zip(series.local_text(), series.instants):
        instant_of.setdefault(text, instant)
    return alert_onsets(frame["alert_id"].to_numpy()), [instant_of[t] for t in frame["timestamp"]]


def _windows(series: MonitoringSeries, instants: list[datetime]) -> list[tuple[int, int]]:
    seconds = np.array([t.timestamp() for t in instants])
    width = (seconds[-1] - seconds[0]) * WINDOW_SHARE / max(len(series.anomalies), 1)
    out = []
    for a in series.anomalies:
        centre = a.start.timestamp()
        rows = np.flatnonzero((seconds >= centre - width / 2) & (seconds <= centre + width / 2))
        if rows.size:
            out.append((int(rows[0]), int(rows[-1])))
    return sorted(out)


def evaluate_monitoring(n_series: int = 30, seed: int = 1, settings: DetectorSettings | None = None
                        ) -> MonitoringReport:
    settings = settings or DetectorSettings()
    files, refused = [], []
    found: Counter = Counter()
    total: Counter = Counter()
    n_false, months = 0, 0.0
    with tempfile.TemporaryDirectory(prefix="monitoring-eval-") as tmp:
        for s in generate(n_series, seed):
            path = Path(tmp) / f"{s.name}.csv"
            write_series_csv(s, path)
            try:
                onsets, instants = _onsets_and_instants(s, path, settings)
            except InputError as exc:        # SeriesFileError, NoRegularStep: what detect-csv refuses
                refused.append(f"{s.name}: {exc}")
                continue
            windows = _windows(s, instants)
            score = score_detections(onsets, windows, PROFILES["standard"], s.name)
            files.append(score)
            n_false += score.fp
            months += (instants[-1] - instants[0]).total_seconds() / 86400 / DAYS_PER_MONTH
            flagged = np.flatnonzero(onsets)
            for a, (left, right) in zip(sorted(s.anomalies, key=lambda a: a.start), windows):
                total[a.kind] += 1
                found[a.kind] += bool(((flagged >= left) & (flagged <= right)).any())
    return MonitoringReport(files, refused, {k: (total[k], found[k]) for k in total},
                            n_false / months if months else 0.0)


def format_report(r: MonitoringReport) -> str:
    lines = [f"Monitoring series (generated): NAB standard score {r.standard:.1f} over {len(r.files)} series; "
             f"{len(r.refused)} refused; {r.false_per_series_month:.2f} false flags per series-month",
             f"  {format_points_lost(r.files)}"]
    for kind, (n, hit) in sorted(r.found_by_kind.items()):
        lines.append(f"  {kind:<12} windows {n:>3}  flagged {hit / n:.2f}")
    lines += [f"  refused: {why}" for why in r.refused]
    return "\n".join(lines)


if __name__ == "__main__":
    import json
    import sys
    seed = int(sys.argv[1]) if len(sys.argv) > 1 else 1
    over = json.loads(sys.argv[2]) if len(sys.argv) > 2 else {}
    print(format_report(evaluate_monitoring(30, seed, DetectorSettings().with_overrides(over))))
