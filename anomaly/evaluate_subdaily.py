"""Score `detect-csv` on generated sub-daily burst series (sample_data.subdaily_spikes).

Each series is written to a CSV and run through `detect_csv`, what a user runs; its alerts are what
it prints (one per `alert_id`), scored as anomaly/evaluate_spikes.py scores daily series: an alert
is true when it overlaps a burst, a burst is found when an alert overlaps it. Recall is also split
by when the burst starts (the first two weeks, before a series has weekly slots; days 14-21;
later), and false alerts per series-month by when they start. The oracle knows each series' burst-free
mean and k: its evidence on a row is the smallest NB tail of the sums of 1 row, 30 minutes, 2 and
6 hours ending there; swept over thresholds, its recall at precision >= 0.9 is the physical limit.

The same printed alerts are also scored as NAB scores a file (`nab_files`): a flag on each alert's
first row, windows of 10% of the series shared among its bursts and centred on each burst's first
row, the first 15% probationary. That is the issue's own measure for sub-daily series (NAB
realTweets, monitoring series), where a flag early in a window earns more and a false flag just
after one costs less; recall and precision above do not see either.

python -m anomaly.evaluate_subdaily SEED ['{"setting": value}'] [cycle|sparse|bursty]
(`sparse`: 10 sparse bursty series without a daily cycle, `generate_sparse`, instead of the 40;
`bursty`: 20 busy 5-minute series with a daily cycle and routine cascades, `generate_bursty`.)
"""
from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np

from anomaly.evaluate_spikes import DAYS_PER_MONTH, Alert, printed_alerts, scored_against_oracle, window_pvalues
from anomaly.nab import (PROFILES, WINDOW_SHARE, FileScore, format_points_lost, normalised, probation_rows,
                         score_detections)
from anomaly.settings import DetectorSettings
from sample_data.subdaily_spikes import DAY, SubdailySeries, generate, generate_bursty, generate_sparse, write_series_csv

PERIODS = ((0, 14, "days 0-13"), (14, 21, "days 14-20"), (21, 99, "days 21-34"))
FAMILIES = {"cycle": (generate, 40), "sparse": (generate_sparse, 10), "bursty": (generate_bursty, 20)}   # generator, series


def detector_alerts(series: SubdailySeries, settings: DetectorSettings | None, workdir: Path) -> list[Alert]:
    path = workdir / f"{series.name}.csv"
    write_series_csv(series, path)
    return printed_alerts(path, settings)


def oracle_pvalues(s: SubdailySeries) -> np.ndarray:
    windows = sorted({1} | {max(1, round(h * 3600 / s.step_seconds)) for h in (0.5, 2, 6)})
    return window_pvalues(s.counts, s.mean, s.k, windows)


def nab_windows(s: SubdailySeries) -> list[tuple[int, int]]:
    """NAB's windows for one series: 10% of its rows shared among its bursts, centred on each
    burst's first row; windows that would overlap are merged, as NAB's labeller merges them. Bursts
    in the probation are left out: NAB's labels never fall there, and no flag there is scored."""
    n = len(s.counts)
    scored = [b for b in s.spikes if b.start >= probation_rows(n)]
    if not scored:
        return []
    half = n * WINDOW_SHARE / len(s.spikes) / 2
    out: list[tuple[int, int]] = []
    for b in sorted(scored, key=lambda b: b.start):
        left, right = max(0, int(round(b.start - half))), min(n - 1, int(round(b.start + half)))
        if out and left <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], right))
        else:
            out.append((left, right))
    return out


def nab_files(series: list[SubdailySeries], alerts: list[list[Alert]], profile_name: str = "standard"
              ) -> list[FileScore]:
    """Each series scored as NAB scores a file, from a flag on the first row of each printed alert."""
    out = []
    for s, found in zip(series, alerts):
        flags = np.zeros(len(s.counts), dtype=bool)
        flags[[a for a, _, _ in found]] = True
        out.append(score_detections(flags, nab_windows(s), PROFILES[profile_name], s.name))
    return out


def _period(day: float) -> str:
    return next(name for lo, hi, name in PERIODS if lo <= day < hi)


def evaluate_subdaily(n_series: int = 40, seed: int = 1, settings: DetectorSettings | None = None,
                      family: str = "cycle") -> dict:
    series = FAMILIES[family][0](n_series, seed)
    with tempfile.TemporaryDirectory(prefix="subdaily-eval-") as tmp:
        alerts = [detector_alerts(s, settings, Path(tmp)) for s in series]
    pvals = [oracle_pvalues(s) for s in series]
    det, det_best, oracle = scored_against_oracle(series, alerts, pvals, np.logspace(-14, -2, 25))
    by_period: dict[str, list[int]] = {}
    false_by_period: dict[str, int] = {name: 0 for _, _, name in PERIODS}
    for i, s in enumerate(series):
        for j, b in enumerate(s.spikes):
            row = by_period.setdefault(_period(b.day), [0, 0, 0])
            row[0] += 1
            row[1] += det.found[(i, j)]
            row[2] += oracle.found[(i, j)]
        for a, e, _ in alerts[i]:
            if not any(a <= b.end and e >= b.start for b in s.spikes):
                false_by_period[_period(a * s.step_seconds / DAY)] += 1
    months = sum(len(s.counts) * s.step_seconds / DAY for s in series) / DAYS_PER_MONTH
    return {"detector": det, "detector_best": det_best, "oracle": oracle, "by_period": by_period, "false_by_period": false_by_period,
            "false_per_series_month": det.n_false / months, "nab": nab_files(series, alerts),
            "steps": [s.step_seconds for s in series]}


def _nab_figures(files: list[FileScore]) -> str:
    return (f"{normalised(files):.1f} ({sum(f.windows_hit for f in files)} of {sum(f.n_windows for f in files)} "
            f"windows flagged, {sum(f.fp for f in files)} flags outside every window)")


def format_report(r: dict) -> str:
    d, o = r["detector"], r["oracle"]
    lines = [f"Sub-daily bursts: recall {d.recall:.2f}, precision {d.precision:.2f} ({d.n_alerts} alerts, "
             f"{d.n_false} false; {r['false_per_series_month']:.2f} false per series-month); "
             f"oracle at precision >= 0.9: recall {o.recall:.2f} ({o.precision:.2f})",
             f"  detector, alerts above the score with most recall at precision >= 0.9: "
             f"recall {r['detector_best'].recall:.2f}, precision {r['detector_best'].precision:.2f}",
             f"  NAB standard score of the printed alerts: {_nab_figures(r['nab'])}",
             f"    {format_points_lost(r['nab'])}"]
    steps = sorted(set(r["steps"]))
    for step in steps if len(steps) > 1 else ():
        files = [f for f, st in zip(r["nab"], r["steps"]) if st == step]
        lines.append(f"    {step // 60}-minute series only: {_nab_figures(files)}")
    for name, (n, hit, orc) in r["by_period"].items():
        lines.append(f"  bursts starting {name:<11} {n:>3}  detector {hit / n:.2f}  oracle {orc / n:.2f}  "
                     f"false alerts starting then {r['false_by_period'][name]}")
    return "\n".join(lines)


if __name__ == "__main__":
    import json
    import sys
    seed = int(sys.argv[1]) if len(sys.argv) > 1 else 1
    over = json.loads(sys.argv[2]) if len(sys.argv) > 2 else {}
    family = sys.argv[3] if len(sys.argv) > 3 else "cycle"
    print(format_report(evaluate_subdaily(FAMILIES[family][1], seed, DetectorSettings().with_overrides(over), family)))
