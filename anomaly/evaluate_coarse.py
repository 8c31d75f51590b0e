"""Score `detect-csv` on generated weekly and monthly spike series (sample_data.coarse_series),
as anomaly/evaluate_spikes.py scores daily ones: each series written to a CSV and run through
`detect_csv`, its alerts what it prints (one per `alert_id`); an alert is true when it overlaps a
planted spike. The oracle knows the spike-free mean and k: its evidence on a period is the smallest
NB tail of the sums of 1 and 2 periods ending there.

python -m anomaly.evaluate_coarse SEED ['{"setting": value}']
"""
from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np

from anomaly.evaluate_spikes import Alert, printed_alerts, scored_against_oracle, window_pvalues
from anomaly.settings import DetectorSettings
from sample_data.coarse_series import CoarseSeries, generate, write_series_csv


def detector_alerts(series: CoarseSeries, settings: DetectorSettings | None, workdir: Path) -> list[Alert]:
    path = workdir / f"{series.name}.csv"
    write_series_csv(series, path)
    return printed_alerts(path, settings)


def evaluate_coarse(n_series: int = 40, seed: int = 1, settings: DetectorSettings | None = None) -> dict:
    series = generate(n_series, seed)
    with tempfile.TemporaryDirectory(prefix="coarse-eval-") as tmp:
        alerts = [detector_alerts(s, settings, Path(tmp)) for s in series]
    pvals = [window_pvalues(s.counts, s.mean, s.k, (1, 2)) for s in series]
    report = {}
    for period in ("weekly", "monthly", "all"):
        chosen = [i for i, s in enumerate(series) if period in ("all", s.period)]
        det, det_best, oracle = scored_against_oracle([series[i] for i in chosen], [alerts[i] for i in chosen],
                                                      [pvals[i] for i in chosen], np.logspace(-14, -2, 49))
        years = sum(len(series[i].counts) / (52.18 if series[i].period == "weekly" else 12.0) for i in chosen)
        report[period] = (det, det_best, oracle, det.n_false / years)
    return report


def format_report(report: dict) -> str:
    lines = []
    for period, (d, b, o, false_per_year) in report.items():
        lines.append(f"{period:<8} recall {d.recall:.2f}, precision {d.precision:.2f} ({d.n_alerts} alerts, "
                     f"{d.n_false} false, {false_per_year:.2f} false per series-year); best at precision >= 0.9: "
                     f"{b.recall:.2f} / {b.precision:.2f}; oracle {o.recall:.2f} / {o.precision:.2f}")
    return "\n".join(lines)


if __name__ == "__main__":
    import json
    import sys
    seed = int(sys.argv[1]) if len(sys.argv) > 1 else 1
    over = json.loads(sys.argv[2]) if len(sys.argv) > 2 else {}
    print(format_report(evaluate_coarse(40, seed, DetectorSettings().with_overrides(over))))
