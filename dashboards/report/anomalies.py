"""The week's anomalies for the report: alerts overlapping the week, with explanation and contributors.

A filtered (partner) report keeps only alerts whose series is inside the filter (e.g. a vendor sees
alerts on its own series, never another vendor's).
"""
from __future__ import annotations

import json

import pandas as pd

from anomaly.api import list_anomalies
from dashboards.report.data_quality import week_bounds_utc
from dashboards.report.weeks import ReportWeek

SEVERITY_RANK = {"critical": 0, "high": 1, "medium": 2, "low": 3}
MAX_LISTED = 40
MAX_CONTRIBUTORS = 5


def _in_scope(dims: dict, filters) -> bool:
    for dim, values in filters:
        value = dims.get(dim)
        if value is None:
            return False
        text = str(value).lower() if isinstance(value, bool) else str(value)
        if text not in values:
            return False
    return True


def _contributors(raw: str | None) -> list[dict]:
    items = json.loads(raw or "[]")
    items = sorted(items, key=lambda c: (-float(c.get("share_of_excess") or 0), str(c.get("dimension")),
                                         str(c.get("value"))))
    out = []
    for c in items[:MAX_CONTRIBUTORS]:
        share = c.get("share_of_excess")
        out.append({"dimension": str(c.get("dimension", "")), "value": str(c.get("value", c.get("category", ""))),
                    "share_text": "" if share is None else f"{float(share) * 100:.0f}% of the excess",
                    "observed": c.get("observed"), "expected": c.get("expected")})
    return out


def week_anomalies(con, config, week: ReportWeek, filters) -> dict:
    frame = list_anomalies(con, config)
    if frame.empty:
        return {"rows": [], "n_more": 0, "counts": {}}
    start_at, end_at = week_bounds_utc(week, config.reporting_timezone)
    start_ts, end_ts = pd.Timestamp(start_at), pd.Timestamp(end_at)
    starts = pd.to_datetime(frame["start_at"], utc=True)
    ends = pd.to_datetime(frame["end_at"], utc=True)
    frame = frame.loc[(starts < end_ts) & (ends >= start_ts)].copy()
    frame["dims"] = [json.loads(d) for d in frame["dims_json"]]
    # a Series, not a list: an empty list would select zero *columns*
    in_scope = pd.Series([_in_scope(d, filters) for d in frame["dims"]], index=frame.index, dtype=bool)
    frame = frame.loc[in_scope]
    frame["rank"] = frame["severity"].map(SEVERITY_RANK).fillna(9)
    frame["neg_score"] = -frame["score"].fillna(0)
    frame["neg_excess"] = -frame["excess"].fillna(0).abs()
    frame = frame.sort_values(["rank", "neg_score", "neg_excess", "start_at", "anomaly_id"], kind="stable")
    zone = config.reporting_timezone
    rows = []
    for r in frame.head(MAX_LISTED).to_dict("records"):
        rows.append({
            "anomaly_id": r["anomaly_id"], "severity": r["severity"], "series": r["series_key"],
            "metric": r["metric"], "grain": r["grain"], "status": r["status"],
            "triage_status": r.get("triage_status", "new"),
            "start": pd.Timestamp(r["start_at"]).tz_convert(zone).strftime("%Y-%m-%d %H:%M"),
            "end": pd.Timestamp(r["end_at"]).tz_convert(zone).strftime("%Y-%m-%d %H:%M"),
            "explanation": r["explanation"], "labels": r.get("labels") or "",
            "contributors": _contributors(r.get("contributors_json")),
        })
    counts = frame["severity"].value_counts().to_dict()
    return {"rows": rows, "n_more": max(0, len(frame) - MAX_LISTED),
            "counts": {s: int(counts.get(s, 0)) for s in SEVERITY_RANK}}
