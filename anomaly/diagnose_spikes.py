"""Why the detector misses spikes the oracle finds, and where its false alerts come from.

For each planted spike the oracle finds and the detector does not (generated daily series,
sample_data.spike_series), the detector is re-run with one part of its view replaced by the truth,
in this order, and the first change that finds the spike names the cause:
  (d) warm-up      no verdict on any of the spike's days (history or dispersion not measured yet)
  (c) rules        found with the novelty rule off, or with min_excess / min_rise_pct at 0
  (a) expected     found with the true spike-free mean as expected (the detector's own scale kept)
  (b) dispersion   found with the true dispersion in the band, the detector's allowance for its
                   baseline's own error kept (the detector's expected kept)
  (b) allowance    found only when that allowance is dropped too (the band of a baseline without error)
  (a+b)            found only with both true
  (e) combination  the truth with the detector's rules and alpha misses it, but the truth's own
                   1-4 day tails are below alpha (how the evidence of days is combined)
  threshold        nothing below alpha even under the truth: the oracle's precision-0.9 threshold is
                   looser than `alpha_daily` (the detector pays for its baseline error there)
Each (a) miss is also tagged with what preceded it: an earlier spike in the last 56 days, a level
shift in the last 60, a holiday in the last 14 days or on the spike. False alerts are tagged the same
way, plus whether the truth itself puts their days at p <= 1e-3.

python -m anomaly.diagnose_spikes SEED ['{"setting": value}' [ceiling]]
("ceiling": recall and precision over all series with parts of the view from the truth instead.)
"""
from __future__ import annotations

import json
import sys
from collections import Counter
from dataclasses import replace

import numpy as np

from anomaly.alerts import alert_runs
from anomaly.baseline import Baseline
from anomaly.clean_baseline import clean_baseline
from anomaly.detector import evaluate_points
from anomaly.evaluate_spikes import (best_at_precision, oracle_alerts, oracle_pvalues, score)
from anomaly.rolling import DAY_SECONDS
from anomaly.settings import DetectorSettings
from sample_data.spike_series import HOLIDAYS_MMDD, SpikeSeries, generate

ORACLE_THRESHOLDS = np.logspace(-14, -2, 49)


def _flags(values: np.ndarray, s: DetectorSettings, base: Baseline) -> np.ndarray:
    return evaluate_points(values, DAY_SECONDS, s, is_counts=True, baseline=base).is_anomaly[:, 0]


def _true_scale(mean: np.ndarray, k: float, s: DetectorSettings) -> np.ndarray:
    """The scale that makes the detector's band variance phi (mu + floor mu^2) the true m + k m^2."""
    m = np.maximum(mean, 0.2)
    return np.sqrt((m + k * m * m) / (m + s.nb_dispersion_floor * m * m))


def _context(ser: SpikeSeries, start: int, end: int) -> list[str]:
    tags = []
    if any(sp.end < start and start - sp.end <= 56 for sp in ser.spikes):
        tags.append("earlier spike <= 56 d")
    if ser.shift_at is not None and 0 <= start - ser.shift_at <= 60:
        tags.append("level shift <= 60 d")
    mmdd = ser.dates[max(0, start - 14):end + 1].strftime("%m-%d")
    if np.isin(mmdd, HOLIDAYS_MMDD).any():
        tags.append("holiday <= 14 d")
    return tags


class SeriesView:
    """One series' detector run and its counterfactuals (expected and/or band from the truth)."""

    def __init__(self, ser: SpikeSeries, s: DetectorSettings):
        self.ser, self.s = ser, replace(s, count_model="counts", alpha=s.alpha_daily)
        self.values = ser.counts[:, None].astype(float)
        self.base = clean_baseline(self.values.copy(), DAY_SECONDS, self.s, True)
        self.flags = _flags(self.values, self.s, self.base)
        known = ~np.isnan(self.base.expected[:, 0])
        true_mean = np.where(known, ser.mean, np.nan)[:, None]
        self.true_mean = true_mean
        self.cf = {
            "mean": replace(self.base, expected=true_mean),
            "noise": replace(self.base, scale=np.where(
                np.isnan(self.base.scale), np.nan, _true_scale(self.base.expected, ser.k, self.s)
                * np.sqrt(1 + self.base.level_error + self.base.profile_error))),
            "band": replace(self.base, scale=np.where(np.isnan(self.base.scale), np.nan,
                                                      _true_scale(self.base.expected, ser.k, self.s)),
                            level_error=None, profile_error=None),
            "both": Baseline(true_mean, np.where(np.isnan(self.base.scale), np.nan,
                                                 _true_scale(true_mean, ser.k, self.s)), self.base.seasonal_weeks),
        }

    def found_with(self, start: int, end: int, name: str | None = None, **overrides) -> bool:
        s = replace(self.s, **overrides) if overrides else self.s
        flags = self.flags if name is None and not overrides else _flags(
            self.values, s, self.base if name is None else self.cf[name])
        return bool(flags[start:end + 1].any())

    def cause_of_miss(self, start: int, end: int, oracle_p: np.ndarray) -> str:
        b = self.base
        if not np.isfinite(b.expected[start:end + 1, 0]).any() or not np.isfinite(b.scale[start:end + 1, 0]).any():
            return "(d) warm-up"
        if self.found_with(start, end, novelty_days=0.0):
            return "(c) novelty rule"
        if self.found_with(start, end, min_excess=0.0, min_rise_pct=0.0):
            return "(c) min excess / rise"
        a, bb = self.found_with(start, end, "mean"), self.found_with(start, end, "band")
        if a:
            return "(a) expected"
        if bb:
            return "(b) dispersion" if self.found_with(start, end, "noise") else "(b) allowance"
        if self.found_with(start, end, "both"):
            return "(a+b) both"
        if oracle_p[start:end + 4].min() <= self.s.alpha_daily:
            return "(e) combination"
        return "threshold"

    def expected_error(self, start: int, end: int) -> float:
        """Mean of expected / true mean - 1 over the spike's days (NaN where no expected)."""
        with np.errstate(all="ignore"):
            return float(np.nanmean(self.base.expected[start:end + 1, 0] / self.ser.mean[start:end + 1]) - 1)

    def scale_ratio(self, start: int, end: int) -> float:
        """The detector's predictive sd over the true noise sd on those days."""
        e = np.maximum(self.base.expected[start:end + 1, 0], 0.2)
        det_var = self.base.scale[start:end + 1, 0] ** 2 * (e + self.s.nb_dispersion_floor * e * e)
        m = np.maximum(self.ser.mean[start:end + 1], 0.2)
        with np.errstate(all="ignore"):
            return float(np.nanmean(np.sqrt(det_var / (m + self.ser.k * m * m))))


def oracle_threshold(series: list[SpikeSeries], pvals: list[np.ndarray]) -> tuple[float, object]:
    cands = [(t, score(series, [oracle_alerts(p, t) for p in pvals])) for t in ORACLE_THRESHOLDS]
    best = best_at_precision([c for _, c in cands])
    return next(t for t, c in cands if c is best), best


def diagnose(seed: int, s: DetectorSettings, n_series: int = 60) -> dict:
    series = generate(n_series, seed)
    pvals = [oracle_pvalues(x) for x in series]
    threshold, oracle = oracle_threshold(series, pvals)
    misses, falses, n_found = [], [], 0
    for i, ser in enumerate(series):
        view = SeriesView(ser, s)
        for j, sp in enumerate(ser.spikes):
            hit = view.flags[sp.start:sp.end + 1].any()
            n_found += hit
            if oracle.found[(i, j)] and not hit:
                misses.append({"series": ser.name, "start": sp.start, "rise": round(sp.rise, 2),
                               "days": sp.end - sp.start + 1, "volume": round(float(ser.mean[sp.start]), 1),
                               "cause": view.cause_of_miss(sp.start, sp.end, pvals[i]),
                               "context": _context(ser, sp.start, sp.end),
                               "expected_error": round(view.expected_error(sp.start, sp.end), 3),
                               "scale_ratio": round(view.scale_ratio(sp.start, sp.end), 2)})
        for a, b in alert_runs(view.flags, 1):
            if any(a <= sp.end and b >= sp.start for sp in ser.spikes):
                continue
            tags = _context(ser, a, b)
            if ser.shift_at is not None and -7 <= a - ser.shift_at <= 7:
                tags.append("at a level shift")
            if pvals[i][a:b + 1].min() <= 1e-3:
                tags.append("truth p <= 1e-3")
            if a < 90:
                tags.append("first 90 days")
            falses.append({"series": ser.name, "start": a, "days": b - a + 1, "tags": tags,
                           "volume": round(float(ser.mean[a]), 1),
                           "expected_error": round(view.expected_error(a, b), 3),
                           "scale_ratio": round(view.scale_ratio(a, b), 2)})
    return {"seed": seed, "oracle_threshold": threshold, "oracle_recall": oracle.recall,
            "n_spikes": len(oracle.found), "detector_found": n_found, "misses": misses, "false": falses}


VIEWS = {"own": "the detector as it is", "mean": "true mean as expected",
         "noise": "true dispersion, own allowance", "band": "true dispersion, no allowance",
         "both": "true mean and true noise"}


def ceiling(seed: int, s: DetectorSettings, n_series: int = 60) -> dict:
    return ceiling_of(generate(n_series, seed), s)


def ceiling_of(series: list[SpikeSeries], s: DetectorSettings) -> dict:
    """Recall and precision of the detector's flags (each run of flagged days one alert) over all
    series, with each part of its view replaced by the truth: what each part costs in false alerts as
    well as in misses (the per-spike ladder above sees only misses). With the true mean as expected
    the detector's own band loses almost no recall and nearly every false alert (seeds 1-3)."""
    alerts: dict[str, list] = {v: [] for v in VIEWS}
    for ser in series:
        view = SeriesView(ser, s)
        for v in VIEWS:
            flags = view.flags if v == "own" else _flags(view.values, view.s, view.cf[v])
            alerts[v].append([(a, b, 1.0) for a, b in alert_runs(flags, 1)])
    return {v: score(series, a) for v, a in alerts.items()}


def ceiling_summary(seed: int, scored: dict) -> str:
    lines = [f"seed {seed}: the detector's flags with parts of its view from the truth"]
    for v, sc in scored.items():
        lines.append(f"  {VIEWS[v]:<32} recall {sc.recall:.2f}, precision {sc.precision:.2f} "
                     f"({sc.n_alerts} alerts, {sc.n_false} false)")
    return "\n".join(lines)


def summary(d: dict) -> str:
    lines = [f"seed {d['seed']}: oracle threshold {d['oracle_threshold']:.1e}, oracle recall "
             f"{d['oracle_recall']:.2f}; detector found {d['detector_found']} of {d['n_spikes']}; "
             f"oracle-found misses {len(d['misses'])}; false alerts {len(d['false'])}"]
    for cause, n in sorted(Counter(m["cause"] for m in d["misses"]).items()):
        lines.append(f"  {cause:<24} {n}")
    for m in d["misses"]:
        lines.append(f"    {m['series']} row {m['start']} +{m['rise']:.0%} x{m['days']}d at {m['volume']}/d: "
                     f"{m['cause']}; expected {m['expected_error']:+.0%}, sd x{m['scale_ratio']}; "
                     f"{', '.join(m['context']) or '-'}")
    lines.append("  false alerts:")
    for f in d["false"]:
        lines.append(f"    {f['series']} row {f['start']} x{f['days']}d at {f['volume']}/d: expected "
                     f"{f['expected_error']:+.0%}, sd x{f['scale_ratio']}; {', '.join(f['tags']) or '-'}")
    return "\n".join(lines)


def main(argv: list[str]) -> None:
    seed = int(argv[0]) if argv else 1
    s = DetectorSettings().with_overrides(json.loads(argv[1]) if len(argv) > 1 else None)
    if len(argv) > 2 and argv[2] == "ceiling":
        print(ceiling_summary(seed, ceiling(seed, s)))
        return
    print(summary(diagnose(seed, s)))


if __name__ == "__main__":
    main(sys.argv[1:])
