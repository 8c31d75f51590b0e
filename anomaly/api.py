"""Read side for the dashboards, the report and the CLI: alerts with their triage state joined."""
from __future__ import annotations

import json

import numpy as np
import pandas as pd

from anomaly import triage
from anomaly.contributors import DEFAULT_MIN_SHARE, contributors
from anomaly.scan import calendar_masks, family_settings, family_verdicts
from anomaly.series import load_series
from anomaly.settings import settings_from_config
from anomaly.warehouse_detection import load_events
from metrics.dimension_values import dimension_values
from anomaly.triage import STATUSES, TriageError

LIST_COLUMNS = ("anomaly_id", "severity", "status", "triage_status", "family", "series_key", "start_at",
                "end_at", "observed", "expected", "excess", "rise_pct", "score", "labels", "explanation",
                "withdrawn_at", "withdrawn_reason", "replaced_by")
WITHDRAWN_CHOICES = ("exclude", "include", "only")


def _has_table(con) -> bool:
    rows = con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'anomalies'").fetchall()
    return rows[0][0] > 0


def _with_withdrawn_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """A warehouse written before withdrawn alerts were kept has no such columns: none is withdrawn."""
    for col in ("withdrawn_at", "withdrawn_reason", "replaced_by"):
        if col not in frame.columns:
            frame[col] = pd.Series([None] * len(frame), dtype=object, index=frame.index)
    return frame


def is_withdrawn(row) -> bool:
    """An alert a later run no longer raised (a row as a dict or a frame row)."""
    value = row.get("withdrawn_at")
    return value is not None and not pd.isna(value)


def list_anomalies(con, config, status: str | None = None, severity: str | None = None,
                   family: str | None = None, limit: int | None = None,
                   withdrawn: str = "exclude") -> pd.DataFrame:
    """Alerts, newest first, with triage_status/note/who/triaged_at from the triage store.

    `withdrawn`: alerts a later run no longer raised (withdrawn_at set) are left out by default;
    "include" lists them too, "only" lists nothing else."""
    if status is not None and status not in STATUSES:
        raise TriageError(f"status {status!r}; valid: {', '.join(STATUSES)}")
    if withdrawn not in WITHDRAWN_CHOICES:
        raise TriageError(f"withdrawn {withdrawn!r}; valid: {', '.join(WITHDRAWN_CHOICES)}")
    if not _has_table(con):
        return pd.DataFrame(columns=list(LIST_COLUMNS))
    frame = _with_withdrawn_columns(con.execute("SELECT * FROM anomalies ORDER BY start_at DESC, score DESC").df())
    if withdrawn != "include":
        frame = frame[frame["withdrawn_at"].notna() == (withdrawn == "only")].reset_index(drop=True)
    states = triage.get_states(config.triage_path)
    frame["triage_status"] = [states.get(i, {}).get("status", "new") for i in frame["anomaly_id"]]
    frame["triage_note"] = [states.get(i, {}).get("note") for i in frame["anomaly_id"]]
    frame["triage_who"] = [states.get(i, {}).get("who") for i in frame["anomaly_id"]]
    frame["triaged_at"] = [states.get(i, {}).get("updated_at") for i in frame["anomaly_id"]]
    if status:
        frame = frame[frame["triage_status"] == status]
    if severity:
        frame = frame[frame["severity"] == severity]
    if family:
        frame = frame[frame["family"] == family]
    frame = frame.reset_index(drop=True)
    return frame.head(limit) if limit else frame


class UnknownAnomaly(TriageError):
    """No stored alert has this id (a typo, or a warehouse rebuilt without it)."""


def anomaly_exists(con, anomaly_id: str) -> bool:
    """Is there a stored alert (live or withdrawn) with this id?"""
    if not anomaly_id or not _has_table(con):
        return False
    rows = con.execute("SELECT count(*) FROM anomalies WHERE anomaly_id = $id", {"id": anomaly_id}).fetchall()
    return rows[0][0] > 0


def set_triage(con, config, anomaly_id: str, status: str, note: str | None = None,
               who: str | None = None) -> dict:
    """Set a stored alert's triage status; an id the warehouse does not hold is refused, so a
    typo never creates a triage record nobody can see."""
    if not anomaly_exists(con, anomaly_id):
        raise UnknownAnomaly(f"no alert with id {anomaly_id!r} in the warehouse; "
                             "`safetyops anomalies list --withdrawn include` lists them")
    return triage.set_status(config.triage_path, anomaly_id, status, note, who)


def add_annotation(con, config, start: str, end: str | None, label: str, kind: str,
                   category: str | None = None, region: str | None = None, action: str | None = None,
                   who: str | None = None) -> dict:
    """Store an annotation after checking its category and region against the warehouse's own
    values (a typo would otherwise scope the event to no series and silently do nothing)."""
    for dim, value in (("abuse_category", category), ("region", region)):
        if value and value not in _known_values(con, config, dim):
            raise TriageError(f"unknown {dim} {value!r}; known: {', '.join(_known_values(con, config, dim))}")
    return triage.add_annotation(config.triage_path, start, end, label, kind, category, region, action, who)


def _known_values(con, config, dim: str) -> list[str]:
    values = set(dimension_values(con, dim)) if con is not None else set()
    if dim == "abuse_category":
        values |= set(config.taxonomy)
    return sorted(values)


def get_anomaly(con, config, anomaly_id: str, context_buckets: int = 24 * 7) -> dict | None:
    """One alert for the drill-down: `alert_detail` plus its triage state and history."""
    row = alert_detail(con, config, anomaly_id, context_buckets)
    if row is not None:
        row["triage"] = triage.state_of(config.triage_path, anomaly_id)
        row["triage_history"] = triage.history(config.triage_path, anomaly_id)
    return row


def alert_detail(con, config, anomaly_id: str, context_buckets: int = 24 * 7) -> dict | None:
    """One alert's row, contributors and the series around it with expected/lower/upper
    (recomputed by the same detector): everything but triage, so it can be cached per warehouse
    version while triage changes between versions."""
    if not _has_table(con):
        return None
    frame = con.execute("SELECT * FROM anomalies WHERE anomaly_id = $id", {"id": anomaly_id}).df()
    if frame.empty:
        return None
    row = _with_withdrawn_columns(frame).iloc[0].to_dict()
    row["withdrawn_at"] = None if pd.isna(row["withdrawn_at"]) else row["withdrawn_at"]
    row["contributors"] = json.loads(row.pop("contributors_json") or "[]")
    row["dims"] = json.loads(row.pop("dims_json"))
    if not row["contributors"] and row["metric"] == "inflow":
        step = pd.Timedelta(hours=1) if row["grain"] == "hour" else pd.Timedelta(days=1)
        min_share = float(config.detection.get("contributor_min_share", DEFAULT_MIN_SHARE))
        row["contributors"] = [c.to_dict() for c in contributors(
            con, row["dims"], pd.Timestamp(row["start_at"]), pd.Timestamp(row["end_at"]) + step, min_share)]
    row["series"] = series_with_band(con, config, row["family"], row["dims"], context_buckets,
                                     pd.Timestamp(row["start_at"]), pd.Timestamp(row["end_at"]))
    return row


def series_with_band(con, config, family_name: str, dims: dict, context_buckets: int,
                     start_at: pd.Timestamp, end_at: pd.Timestamp) -> pd.DataFrame:
    """bucket_at, value, expected, lower, upper, is_anomaly around an alert (empty for mix alerts).

    Only the alert's own series is loaded and scanned: the detector treats series independently,
    so its band is the one the whole family's scan gave it."""
    fam = load_series(con, config, family_name, dims)
    if fam is None:
        return pd.DataFrame(columns=["bucket_at", "value", "expected", "lower", "upper", "is_anomaly",
                                     "filling_fraction"])
    s = family_settings(fam, settings_from_config(config))
    v = family_verdicts(fam, s, calendar_masks(fam, load_events(config)), cols=[0], share_units=True)
    out = pd.DataFrame({"bucket_at": fam.index, "value": fam.values[:, 0], "expected": v.expected[:, 0],
                        "lower": v.lower[:, 0], "upper": v.upper[:, 0], "is_anomaly": v.is_anomaly[:, 0]})
    # the last bucket may still be filling: its expectation covers only the share elapsed
    out["filling_fraction"] = np.nan
    if fam.filling_fraction is not None:
        out.loc[out.index[-1], "filling_fraction"] = fam.filling_fraction
    zone = config.reporting_timezone if fam.grain == "day" else "UTC"   # buckets are naive in this zone
    lo, hi = (_naive_in(t, zone) for t in (start_at, end_at))
    step = pd.Timedelta(seconds=fam.step_seconds)
    keep = (out["bucket_at"] >= lo - context_buckets * step) & (out["bucket_at"] <= hi + context_buckets * step)
    return out[keep].reset_index(drop=True)


def _naive_in(ts: pd.Timestamp, zone: str) -> pd.Timestamp:
    return ts.tz_convert(zone).tz_localize(None) if ts.tzinfo else ts
