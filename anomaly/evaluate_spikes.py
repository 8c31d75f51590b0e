"""Score `detect-csv` on generated daily spike series against an oracle that knows the truth.

The series come from `sample_data.spike_series` (NB noise, weekly cycles, trends, holidays, level
shifts, 1-2 spikes of +40% .. +400% for 1-4 days). Each one is written to a CSV and run through
`detect_csv`, exactly what a user runs; its alerts are what it prints (one `alert_id` per alert).
An alert is true when it overlaps a planted spike; a spike is found when an alert overlaps it.

The oracle knows each series' spike-free mean and its NB over-dispersion. Its evidence on a day is
the smallest NB tail probability of the sums of the windows of 1-4 days ending there; its alerts
are runs of days under a threshold. Sweeping that threshold gives the most recall any detector
could have at precision >= 0.9: the detector's recall per shape is reported as a share of it.
"""
from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy import special

from anomaly.alerts import alert_runs
from anomaly.csv_series import detect_csv
from anomaly.settings import DetectorSettings
from sample_data.spike_series import DEFAULT_RISE_DIST, SpikeSeries, generate, write_series_csv

MIN_PRECISION = 0.9
DAYS_PER_MONTH = 30.44          # the month of every "false alerts per series-month"
ORACLE_WINDOWS = (1, 2, 3, 4)
Alert = tuple[int, int, float]       # first row, last row, strength (higher = surer)


@dataclass(frozen=True)
class Scored:
    recall: float
    precision: float
    n_alerts: int
    n_false: int
    found: dict          # (series index, spike index) -> bool


@dataclass(frozen=True)
class SpikeReport:
    n_series: int
    n_spikes: int
    detector: Scored               # the defaults, every alert printed
    detector_best: Scored          # detector alerts kept above the strength with most recall at precision >= 0.9
    oracle: Scored                 # oracle at its threshold with most recall at precision >= 0.9
    shapes: dict                   # shape -> (n spikes, detector recall, oracle recall)
    false_per_series_month: float


def nb_upper_tail(x: np.ndarray, mean: np.ndarray, var: np.ndarray) -> np.ndarray:
    """P(X >= x) for an NB with this mean and variance (moment-matched; Poisson when var <= mean)."""
    var = np.maximum(var, mean * (1 + 1e-9))
    n = mean * mean / (var - mean)
    p = mean / var
    with np.errstate(all="ignore"):
        tail = special.betaincc(n, np.maximum(x, 1e-9), p)
    return np.where(x <= 0, 1.0, tail)


def oracle_pvalues(series: SpikeSeries) -> np.ndarray:
    """Per row: the smallest upper-tail p of the window sums (1-4 rows) ending there, under the truth."""
    return window_pvalues(series.counts, series.mean, series.k, ORACLE_WINDOWS)


def window_pvalues(x: np.ndarray, m: np.ndarray, k: float, windows) -> np.ndarray:
    """Per row: the smallest exact NB upper-tail p of the sums of `windows` rows ending there, given
    the true mean `m` and over-dispersion `k` (variance m + k m^2)."""
    var = m + k * m * m
    best = np.ones(len(x))
    for w in windows:
        kernel = np.ones(w)
        xs = np.convolve(x, kernel)[:len(x)]
        ms = np.convolve(m, kernel)[:len(x)]
        vs = np.convolve(var, kernel)[:len(x)]
        p = nb_upper_tail(xs, ms, vs)
        p[:w - 1] = 1.0
        best = np.minimum(best, p)
    return best


def oracle_alerts(p: np.ndarray, threshold: float) -> list[Alert]:
    flags = p <= threshold
    return [(a, b, float(-np.log10(max(p[a:b + 1].min(), 1e-300)))) for a, b in alert_runs(flags, 1)]


def detector_alerts(series: SpikeSeries, settings: DetectorSettings | None, workdir: Path) -> list[Alert]:
    path = workdir / f"{series.name}.csv"
    write_series_csv(series, path)
    return printed_alerts(path, settings)


def printed_alerts(path: Path, settings: DetectorSettings | None) -> list[Alert]:
    """Alerts as `detect-csv` prints them: rows sharing an `alert_id`; strength = the top score."""
    frame = detect_csv(path, settings=settings).frame
    ids = frame["alert_id"].to_numpy()
    out = []
    for alert_id in dict.fromkeys(a for a in ids if a):
        rows = np.flatnonzero(ids == alert_id)
        out.append((int(rows[0]), int(rows[-1]), float(np.nanmax(frame["score"].to_numpy()[rows]))))
    return out


def score(series: list[SpikeSeries], alerts: list[list[Alert]], min_strength: float = -np.inf) -> Scored:
    found, n_alerts, n_true = {}, 0, 0
    for i, (s, series_alerts) in enumerate(zip(series, alerts)):
        kept = [a for a in series_alerts if a[2] >= min_strength]
        n_alerts += len(kept)
        n_true += sum(any(a <= sp.end and b >= sp.start for sp in s.spikes) for a, b, _ in kept)
        for j, sp in enumerate(s.spikes):
            found[(i, j)] = any(a <= sp.end and b >= sp.start for a, b, _ in kept)
    n_spikes = max(len(found), 1)
    return Scored(recall=sum(found.values()) / n_spikes,
                  precision=n_true / n_alerts if n_alerts else 1.0,
                  n_alerts=n_alerts, n_false=n_alerts - n_true, found=found)


def best_at_precision(candidates: list[Scored]) -> Scored:
    """The candidate with the most recall among those with precision >= MIN_PRECISION."""
    ok = [c for c in candidates if c.precision >= MIN_PRECISION]
    if not ok:
        return min(candidates, key=lambda c: c.n_alerts)
    return max(ok, key=lambda c: (c.recall, c.precision))


def shapes_of(s: SpikeSeries, j: int) -> list[str]:
    sp = s.spikes[j]
    level = s.mean[sp.start]
    out = ["all",
           "1 day" if sp.end == sp.start else "2-4 days",
           "+40..100%" if sp.rise < 1.0 else "+100..200%" if sp.rise < 2.0 else "+200..400%",
           "< 30/day" if level < 30 else "30-300/day" if level < 300 else ">= 300/day"]
    if sp.second:
        out.append("second of a pair")
    if s.shift_at is not None and 0 <= sp.start - s.shift_at <= 60:
        out.append("within 60 days after a level shift")
    return out


def per_shape(series: list[SpikeSeries], det: Scored, oracle: Scored) -> dict:
    table: dict[str, list[int]] = {}
    for (i, j), hit in det.found.items():
        for shape in shapes_of(series[i], j):
            row = table.setdefault(shape, [0, 0, 0])
            row[0] += 1
            row[1] += hit
            row[2] += oracle.found[(i, j)]
    order = ["all", "1 day", "2-4 days", "+40..100%", "+100..200%", "+200..400%", "< 30/day", "30-300/day",
             ">= 300/day", "second of a pair", "within 60 days after a level shift"]
    return {k: (table[k][0], table[k][1] / table[k][0], table[k][2] / table[k][0]) for k in order if k in table}


def scored_against_oracle(series: list, alerts: list[list[Alert]], pvals: list[np.ndarray],
                          thresholds) -> tuple[Scored, Scored, Scored]:
    """The detector's alerts as printed, the same above the strength with most recall at precision
    >= 0.9, and the oracle (its p-values under the truth) at its best threshold."""
    det = score(series, alerts)
    strengths = sorted({a[2] for series_alerts in alerts for a in series_alerts})
    det_best = best_at_precision([score(series, alerts, t) for t in strengths] or [det])
    oracle = best_at_precision([score(series, [oracle_alerts(p, t) for p in pvals]) for t in thresholds])
    return det, det_best, oracle


def evaluate_spike_series(n_series: int = 60, seed: int = 1, settings: DetectorSettings | None = None,
                          rise_dist: str = DEFAULT_RISE_DIST) -> SpikeReport:
    series = generate(n_series, seed, rise_dist=rise_dist)
    with tempfile.TemporaryDirectory(prefix="spike-eval-") as tmp:
        det_alerts = [detector_alerts(s, settings, Path(tmp)) for s in series]
    pvals = [oracle_pvalues(s) for s in series]
    det, det_best, oracle = scored_against_oracle(series, det_alerts, pvals, np.logspace(-14, -2, 49))
    months = sum(len(s.counts) for s in series) / DAYS_PER_MONTH
    return SpikeReport(n_series=len(series), n_spikes=len(det.found), detector=det, detector_best=det_best,
                       oracle=oracle, shapes=per_shape(series, det, oracle),
                       false_per_series_month=det.n_false / months)


def format_spike_report(r: SpikeReport) -> str:
    d, b, o = r.detector, r.detector_best, r.oracle
    lines = [f"Generated spike series ({r.n_series} daily series, {r.n_spikes} planted spikes; detect-csv defaults):",
             f"  detector, every alert printed: recall {d.recall:.2f}, precision {d.precision:.2f} "
             f"({d.n_alerts} alerts, {d.n_false} false; {r.false_per_series_month:.3f} false per series-month)",
             f"  detector, alerts above the score with most recall at precision >= {MIN_PRECISION}: "
             f"recall {b.recall:.2f}, precision {b.precision:.2f}",
             f"  oracle (true mean and noise) at precision >= {MIN_PRECISION}: recall {o.recall:.2f}, "
             f"precision {o.precision:.2f}",
             f"  detector recall as a share of the oracle's: {d.recall / max(o.recall, 1e-9):.2f}",
             "  per shape: spikes, detector recall, oracle recall, share"]
    for shape, (n, dr, orc) in r.shapes.items():
        share = f"{dr / orc:.2f}" if orc > 0 else "-"
        lines.append(f"    {shape:<36} {n:>4}  {dr:.2f}  {orc:.2f}  {share}")
    return "\n".join(lines)
