"""`run_detection`: scan every warehouse series, store alerts, report what is new.

Called by `safetyops detect` and by the refresh job, inside a `core.warehouse.writing()`
connection. New = never reported before (the triage store remembers every id, so a rebuilt
warehouse does not re-announce old alerts); updated = same id (same series and start) that grew.

`run_detection` only reads the triage store: it returns the new ids, and the caller records them
with `mark_reported` once the warehouse holding them is live and they have been announced. Marking
them inside the writing block would lose them for good when the run dies before the swap.

An alert stored by an earlier run that this run does not raise is kept, withdrawn (anomaly.store);
it is not announced, and if a later run raises the same id it is live again ("restored") with its
triage, and new only if it was never reported.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone

import pandas as pd

from anomaly import triage
from anomaly.calendar import Event, load_calendar_file
from anomaly.contributors import DEFAULT_MIN_SHARE, contributors
from anomaly.explain import baseline_text, explain
from anomaly.grouping import group_alerts, group_severity
from anomaly.mix import explain_mix, mix_alerts
from anomaly.scan import FoundAlert, scan_family
from anomaly.series import history_start, load_families
from anomaly.settings import DetectorSettings, settings_from_config
from anomaly.store import anomaly_id, dumps, previous_state, replacements, store_run
from metrics.facts import as_of

URGENT = ("high", "critical")


@dataclass
class DetectionSummary:
    n_new: int
    n_updated: int
    new_high_or_critical: list[dict] = field(default_factory=list)
    n_total: int = 0
    n_series: int = 0
    new_ids: list[str] = field(default_factory=list)   # for mark_reported, after the swap
    withdrawn_ids: list[str] = field(default_factory=list)   # stored live before, not raised now
    restored_ids: list[str] = field(default_factory=list)    # withdrawn before, raised again now
    # replacing alert -> the reported alert it continues (late data moved the start): not new
    continued: dict[str, str] = field(default_factory=dict)


def load_events(config) -> list[Event]:
    """The config's calendar file plus the annotations in the triage store."""
    return load_calendar_file(config.events_calendar) + triage.annotation_events(config.triage_path)


def to_utc(ts: pd.Timestamp, grain: str, tz: str) -> pd.Timestamp:
    """Hourly buckets are UTC already; daily buckets are reporting-zone days."""
    ts = pd.Timestamp(ts)
    if grain == "day":
        return ts.tz_localize(tz, ambiguous=False, nonexistent="shift_forward").tz_convert("UTC")
    return ts.tz_localize("UTC")


def _row(f: FoundAlert, tz: str, now: datetime) -> dict:
    return _alert_row(f.alert, f.family, f.metric, f.grain, f.series_key, f.key, tz, now,
                      category=f.key.get("abuse_category"), band=(f.alert.lower, f.alert.upper),
                      labels=", ".join(f.labels) or None, explanation=explain(f), baseline=baseline_text(f))


def _mix_rows(daily, config, now) -> list[dict]:
    return [_alert_row(m.alert, "mix_daily", "category_mix", "day", f"region={m.region}", {"region": m.region},
                       config.reporting_timezone, now, category=m.movers[0]["category"], band=(None, None),
                       labels=None, explanation=explain_mix(m), baseline="usual category mix of the region",
                       contributors=m.movers)
            for m in mix_alerts(daily, config.detection)]


def _alert_row(a, family: str, metric: str, grain: str, series_key: str, key: dict, tz: str, now: datetime, *,
               category: str | None, band: tuple, labels: str | None, explanation: str, baseline: str,
               contributors: list | None = None) -> dict:
    """One `anomalies` row (anomaly/store.py COLUMNS); bucket times become UTC instants."""
    start = to_utc(a.start, grain, tz)
    return {
        "anomaly_id": anomaly_id(family, series_key, start), "family": family, "metric": metric,
        "grain": grain, "series_key": series_key, "dims_json": dumps(key),
        "abuse_category": category, "region": key.get("region"),
        "direction": a.direction, "start_at": start, "end_at": to_utc(a.end, grain, tz),
        "peak_at": to_utc(a.peak_at, grain, tz), "peak_value": a.peak_value, "peak_expected": a.peak_expected,
        "observed": a.observed, "expected": a.expected, "excess": a.excess, "rise_pct": a.rise_pct,
        "lower_bound": band[0], "upper_bound": band[1], "p_value": a.p_value, "score": a.score,
        "severity": a.severity, "n_points": a.n_points, "status": "open" if a.is_open else "closed",
        "labels": labels, "explanation": explanation, "contributors_json": dumps(contributors or []),
        "baseline": baseline, "detected_at": now,
    }


def _changed(row: dict, old: dict | None) -> bool:
    if old is None:
        return True
    return (pd.Timestamp(old["end_at"]) != row["end_at"] or abs((old["observed"] or 0) - (row["observed"] or 0)) > 1e-9
            or old["severity"] != row["severity"] or old["status"] != row["status"])


def collect_alerts(con, config, settings: DetectorSettings | None = None,
                   events: list[Event] | None = None) -> tuple[list[tuple[dict, FoundAlert | None]], int]:
    """Scan every family; returns ([(row for the table, its alert or None for mix rows)], n_series)."""
    settings = settings or settings_from_config(config)
    events = load_events(config) if events is None else events
    now = datetime.now(timezone.utc)
    pairs: list[tuple[dict, FoundAlert | None]] = []
    n_series = 0
    for family in load_families(con, config):
        n_series += len(family.keys)
        _, found = scan_family(family, settings, events)
        pairs.extend((_row(f, config.reporting_timezone, now), f) for f in found)
        if family.name == "counts_daily" and config.detection.get("mix", True):
            pairs.extend((r, None) for r in _mix_rows(family, config, now))
    group_alerts(pairs)
    return pairs, n_series


def run_detection(con, config, settings: DetectorSettings | None = None) -> DetectionSummary:
    """Scan, explain, attach contributors, store in `anomalies`; count new and updated alerts."""
    previous = previous_state(con)
    events = load_events(config)
    pairs, n_series = collect_alerts(con, config, settings, events)
    rows = [r for r, _ in pairs]
    min_share = float(config.detection.get("contributor_min_share", DEFAULT_MIN_SHARE))
    changed_ids = set()
    for r in rows:
        old = previous.get(r["anomaly_id"])
        if _changed(r, old):
            changed_ids.add(r["anomaly_id"])
        elif r["family"] != "mix_daily":
            r["contributors_json"] = old["contributors_json"]   # unchanged alert: reuse the drill-down
    for r, f in pairs:
        # Low-severity alerts get their drill-down on demand (api.get_anomaly): ranking costs a
        # scan of the series' tickets, and most low alerts are never opened.
        if f is None or r["anomaly_id"] not in changed_ids or f.unit != "tickets" or r["severity"] == "low":
            continue
        step = pd.Timedelta(hours=1) if f.grain == "hour" else pd.Timedelta(days=1)
        cons = contributors(con, f.key, r["start_at"], r["end_at"] + step, min_share)
        r["contributors_json"] = dumps([c.to_dict() for c in cons])
    withdrawn = store_run(con, rows, datetime.now(timezone.utc), history_start(con, config), as_of(con),
                          events)
    restored = [r["anomaly_id"] for r in rows if r["anomaly_id"] in previous
                and not pd.isna(previous[r["anomaly_id"]]["withdrawn_at"])]
    continued = continuations(con, config, withdrawn)
    new_ids = [i for i in triage.unseen(config.triage_path, [r["anomaly_id"] for r in rows]) if i not in continued]
    fresh = set(new_ids)
    states = triage.get_states(config.triage_path, fresh)
    # One page per incident: the lead of each group, when any alert of the group is urgent.
    worst = group_severity(rows)
    urgent = [{**{k: r[k] for k in ("anomaly_id", "series_key", "family", "start_at", "explanation")},
               "severity": worst[r["anomaly_id"]]}   # the incident's severity: its worst alert's
              for r in rows if r["anomaly_id"] in fresh and worst.get(r["anomaly_id"]) in URGENT
              and states.get(r["anomaly_id"], {}).get("status", "new") == "new"]
    n_updated = sum(1 for r in rows if r["anomaly_id"] in changed_ids and r["anomaly_id"] not in fresh
                    and r["anomaly_id"] not in restored)
    return DetectionSummary(n_new=len(fresh), n_updated=n_updated, new_high_or_critical=urgent,
                            n_total=len(rows), n_series=n_series, new_ids=new_ids, withdrawn_ids=withdrawn,
                            restored_ids=restored, continued=continued)


def continuations(con, config, withdrawn_ids: list[str]) -> dict[str, str]:
    """Alerts this run raised in place of a withdrawn one that was already reported (its start
    moved or it merged into a longer stretch): the same incident, so not announced as new again,
    and it takes over the triage the analyst gave its predecessor (see mark_reported)."""
    replaced = replacements(con, withdrawn_ids)
    reported = set(replaced) - set(triage.unseen(config.triage_path, list(replaced)))
    successors = set(triage.unseen(config.triage_path, list(replaced.values())))
    return {new: old for old, new in replaced.items() if old in reported and new in successors}


def mark_reported(config, new_ids: list[str], continued: dict[str, str] | None = None) -> None:
    """Record alerts as reported, so no later run announces them as new; alerts that continue a
    reported one (`continued`, from the summary) are recorded too and take over its triage. Call it
    only after the warehouse that holds them has been swapped in and they have been announced."""
    ids = list(new_ids) + list(continued or {})
    if ids:
        triage.mark_seen(config.triage_path, ids)
    if continued:
        triage.carry_over(config.triage_path, continued)
