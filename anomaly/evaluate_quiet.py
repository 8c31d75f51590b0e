"""False alerts on sub-daily series with no anomaly (sample_data.quiet_series), as `detect-csv` prints them.

Every alert is false; the figure is alerts per series-month, by shape, with the defaults. This is
the generator to tune a sub-daily warm-up on; NAB's artificialNoAnomaly files stay held out.
"""
from __future__ import annotations

import tempfile
from pathlib import Path

from anomaly.csv_series import detect_csv
from anomaly.evaluate_spikes import DAYS_PER_MONTH
from anomaly.settings import DetectorSettings
from sample_data.quiet_series import QuietSeries, generate, write_series_csv


def count_alerts(series: QuietSeries, settings: DetectorSettings | None, workdir: Path) -> int:
    path = workdir / f"{series.name}.csv"
    write_series_csv(series, path)
    ids = detect_csv(path, settings=settings).frame["alert_id"]
    return int(ids[ids != ""].nunique())


def evaluate_quiet_series(seed: int = 1, settings: DetectorSettings | None = None) -> dict[str, tuple[int, float]]:
    """Per shape (and "all"): alerts and alerts per series-month."""
    series = generate(seed)
    totals: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory(prefix="quiet-eval-") as tmp:
        for s in series:
            n = count_alerts(s, settings, Path(tmp))
            months = len(s.index) * s.step_seconds / 86_400 / DAYS_PER_MONTH
            for key in ("all", s.shape, f"{s.step_seconds // 60}-minute"):
                row = totals.setdefault(key, [0, 0.0])
                row[0] += n
                row[1] += months
    return {k: (int(n), n / months) for k, (n, months) in totals.items()}


def format_quiet_report(r: dict[str, tuple[int, float]]) -> str:
    lines = ["Sub-daily series without anomalies (every alert is false): alerts, alerts per series-month"]
    lines += [f"  {k:<28} {n:>4}  {rate:.2f}" for k, (n, rate) in r.items()]
    return "\n".join(lines)


if __name__ == "__main__":   # python -m anomaly.evaluate_quiet [seed] [json overrides]
    import json
    import sys
    seed = int(sys.argv[1]) if len(sys.argv) > 1 else 1
    over = json.loads(sys.argv[2]) if len(sys.argv) > 2 else {}
    print(format_quiet_report(evaluate_quiet_series(seed, DetectorSettings().with_overrides(over))))
