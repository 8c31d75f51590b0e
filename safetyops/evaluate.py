"""`safetyops anomaly evaluate`: the detector's default settings scored on labelled data.

Sample spikes (ground_truth.json from the sample generator): a spike counts as found when an
alert of its category x region series (hourly or daily counts) overlaps it; every other alert on
those families is a false alert. Delay = time from the spike's start until the first flagged
bucket is complete (when a scheduled scan could first see it). Then every family, as the Overview
groups it: incidents, false pages, and alerts per planted spike (safetyops/sample_incidents.py).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from anomaly.evaluate_nab import NabReport
from anomaly.evaluate_spikes import DAYS_PER_MONTH
from anomaly.nab import format_points_lost
from anomaly.series import load_families
from anomaly.warehouse_detection import collect_alerts
from safetyops.sample_incidents import IncidentReport, format_incidents, incidents_on_sample, overlaps
from core.config import load_config
from core.errors import InputError
from core.warehouse import connect_memory
from pipelines.ingest import ingest_file

FAMILIES = ("counts_hourly", "counts_daily")
TARGET_MIN_MULTIPLIER = 1.5
MEDIUM_MIN_PER_DAY = 24.0   # at least one ticket an hour on average
SHARED_NAB = Path(__file__).resolve().parents[2] / "shared" / "datasets" / "nab_realtweets"


class SampleEvalError(InputError):
    """The sample folder has no ground truth or no loadable export."""


@dataclass(frozen=True)
class SampleReport:
    n_spikes: int
    n_target: int                  # spikes >= +50% on medium-volume series
    recall_all: float
    recall_target: float
    precision: float               # alerts on the scanned count families that overlap a spike
    false_per_series_month: dict   # family -> false alerts per series-month
    median_delay_hours: float
    n_alerts: int
    n_series: int
    months: float
    missed: list                   # ids of target spikes not found
    paged: dict                    # the same figures for alerts of severity >= medium only
    incidents: IncidentReport | None = None   # every family, as the Overview groups them


def default_nab_dir() -> Path | None:
    return SHARED_NAB if SHARED_NAB.exists() else None


def load_sample(sample_dir: Path, con) -> dict:
    """Ingest every data file of a sample export into `con`; return the ground truth."""
    truth_path = Path(sample_dir) / "ground_truth.json"
    if not truth_path.exists():
        raise SampleEvalError(f"{truth_path}: not found; --sample must be a folder written by `safetyops sample`")
    truth = read_truth(truth_path)
    config = load_config(None)
    files = sorted(p for p in Path(sample_dir).iterdir()
                   if p.is_file() and p.suffix in (".csv", ".gz", ".json") and p.name != truth_path.name)
    if not files:
        raise SampleEvalError(f"{sample_dir}: no export files next to ground_truth.json")
    for path in files:
        ingest_file(con, path, config)
    return truth


SPIKE_FIELDS = {"id": str, "abuse_category": str, "region": str, "start": str, "end": str,
                "multiplier": (int, float), "baseline_per_day": (int, float)}


def read_truth(path: Path) -> dict:
    """ground_truth.json as `safetyops sample` writes it; anything else is a SampleEvalError naming
    the file and the first thing wrong in it."""
    try:
        truth = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SampleEvalError(f"{path}: not JSON ({exc})") from exc
    spikes = truth.get("spikes", []) if isinstance(truth, dict) else None
    if not isinstance(spikes, list):
        raise SampleEvalError(f"{path}: expected an object with a list of \"spikes\"")
    for n, spike in enumerate(spikes, 1):
        for name, kind in SPIKE_FIELDS.items():
            value = spike.get(name) if isinstance(spike, dict) else None
            if not isinstance(value, kind) or isinstance(value, bool):
                raise SampleEvalError(f"{path}: spike {n}: {name} = {value!r} is missing or not a {_kind_name(kind)}")
        for name in ("start", "end"):
            try:
                pd.Timestamp(spike[name])
            except ValueError as exc:
                raise SampleEvalError(f"{path}: spike {n}: {name} = {spike[name]!r} is not a timestamp") from exc
    return truth


def _kind_name(kind) -> str:
    return "text" if kind is str else "number"


def score_sample(rows: list[dict], truth: dict, n_series: dict[str, int], days: float,
                 paged: bool = True) -> SampleReport:
    alerts = pd.DataFrame([r for r in rows if r["family"] in FAMILIES])
    spikes = truth.get("spikes", [])
    found, delays, missed = [], [], []
    matched_alerts = set()
    for sp in spikes:
        start, end = pd.Timestamp(sp["start"]), pd.Timestamp(sp["end"])
        hits = alerts[(alerts["abuse_category"] == sp["abuse_category"]) & (alerts["region"] == sp["region"])] \
            if len(alerts) else alerts
        hits = hits[[overlaps(r, start, end) for _, r in hits.iterrows()]] if len(hits) else hits
        is_target = sp["multiplier"] >= TARGET_MIN_MULTIPLIER and sp["baseline_per_day"] >= MEDIUM_MIN_PER_DAY
        found.append((bool(len(hits)), is_target))
        if len(hits):
            matched_alerts.update(hits["anomaly_id"])
            seen_at = min(r["start_at"] + (pd.Timedelta(hours=1) if r["grain"] == "hour" else pd.Timedelta(days=1))
                          for _, r in hits.iterrows())
            delays.append(max((seen_at - start).total_seconds() / 3600, 0.0))
        elif is_target:
            missed.append(sp["id"])
    n_alerts = len(alerts)
    months = days / DAYS_PER_MONTH
    false_rate = {}
    for fam in FAMILIES:
        fam_alerts = alerts[alerts["family"] == fam] if n_alerts else alerts
        n_false = int(sum(a not in matched_alerts for a in fam_alerts["anomaly_id"])) if len(fam_alerts) else 0
        false_rate[fam] = n_false / max(n_series.get(fam, 0) * months, 1e-9)
    n_target = sum(t for _, t in found)
    paged_figures = {}
    if paged:
        sub = score_sample([r for r in rows if r["severity"] != "low"], truth, n_series, days, paged=False)
        paged_figures = {"recall_target": sub.recall_target, "precision": sub.precision,
                         "n_alerts": sub.n_alerts, "false_per_series_month": sub.false_per_series_month}
    return SampleReport(
        n_spikes=len(spikes), n_target=n_target,
        recall_all=sum(f for f, _ in found) / max(len(spikes), 1),
        recall_target=sum(f for f, t in found if t) / max(n_target, 1),
        precision=len(matched_alerts) / n_alerts if n_alerts else 1.0,
        false_per_series_month=false_rate,
        median_delay_hours=float(pd.Series(delays).median()) if delays else float("nan"),
        n_alerts=n_alerts, n_series=sum(n_series.get(f, 0) for f in FAMILIES), months=months, missed=missed,
        paged=paged_figures, incidents=incidents_on_sample(rows, spikes) if paged else None)


def evaluate_sample(sample_dir: Path, config) -> SampleReport:
    """Load the sample into a throw-away in-memory warehouse and score the default detector."""
    con = connect_memory()
    try:
        truth = load_sample(sample_dir, con)
        n_series = {f.name: len(f.keys) for f in load_families(con, config) if f.name in FAMILIES}
        pairs, _ = collect_alerts(con, config, events=[])
        days = float(truth.get("days") or 0) or 1.0
        return score_sample([r for r, _ in pairs], truth, n_series, days)
    finally:
        con.close()


def format_nab(r: NabReport) -> str:
    lines = ["NAB realTweets (standard profile, detector defaults; flags on the first row of each alert_id detect-csv prints):",
             f"  normalised score: {r.standard:.1f}  (reward_low_FP {r.normalised['reward_low_fp_rate']:.1f}, "
             f"reward_low_FN {r.normalised['reward_low_fn_rate']:.1f})",
             f"  windows hit {sum(f.windows_hit for f in r.files)}/{sum(f.n_windows for f in r.files)}, "
             f"false-positive flags {sum(f.fp for f in r.files)}",
             f"  {format_points_lost(r.files)}"]
    for f in r.files:
        lines.append(f"    {f.name:<28} raw {f.score:+.3f}  hit {f.windows_hit}/{f.n_windows}  fp {f.fp}")
    for det, (ours, published) in r.reference.items():
        lines.append(f"  scorer check {det}: re-scored {ours:.2f} vs NAB's per-file results {published:.2f}")
    return "\n".join(lines)


def format_sample(r: SampleReport) -> str:
    fr = ", ".join(f"{k} {v:.2f}" for k, v in r.false_per_series_month.items())
    return "\n".join([
        f"Sample spikes ({r.n_spikes} planted, {r.n_target} of >= +50% on series >= {MEDIUM_MIN_PER_DAY:g}/day; "
        f"{r.n_series} series, {r.months:.1f} months):",
        f"  recall (target spikes): {r.recall_target:.2f}   recall (all): {r.recall_all:.2f}",
        f"  precision (alerts overlapping a spike): {r.precision:.2f} of {r.n_alerts} alerts",
        f"  false alerts per series-month: {fr}",
        f"  median detection delay: {r.median_delay_hours:.1f} h",
        f"  missed target spikes: {', '.join(r.missed) or 'none'}",
    ] + ([f"  severity >= medium only: recall (target) {r.paged['recall_target']:.2f}, precision "
          f"{r.paged['precision']:.2f} of {r.paged['n_alerts']} alerts, false alerts per series-month "
          + ", ".join(f"{k} {v:.3f}" for k, v in r.paged["false_per_series_month"].items())] if r.paged else [])
        + ([format_incidents(r.incidents)] if r.incidents else []))
