"""The dashboards' calls into anomaly/: the alert list, one alert's drill-down, triage, annotations.

Triage state changes between warehouse versions, so it is never cached: the heavy part of an
alert (its series, band and contributors) is cached per warehouse version and the triage state is
read fresh from the SQLite store on every request.
"""
from __future__ import annotations

import json

import pandas as pd

from anomaly import api as anomaly_api
from anomaly import triage
from anomaly.alerts import SEVERITIES
from anomaly.calendar import KINDS
from dashboards.filters import FILTER_DIMS, Filters
from core.config import Config

OPEN_STATUSES = ("new", "acknowledged")
STATUS_CHOICES = ("open", "new", "acknowledged", "resolved", "false_positive", "withdrawn", "all")
# Alerts a later run no longer raised are left out of every view but these two.
WITHDRAWN_BY_STATUS = {"all": "include", "withdrawn": "only"}
TRIAGE_ACTIONS = {"ack": "acknowledged", "resolve": "resolved", "false_positive": "false_positive"}
ANNOTATION_KINDS = KINDS
SEVERITY_ORDER = tuple(reversed(SEVERITIES))   # critical first


def alert_dims(row) -> dict:
    raw = row.get("dims_json") if isinstance(row, dict) else row["dims_json"]
    try:
        return json.loads(raw or "{}")
    except (TypeError, json.JSONDecodeError):
        return {}


def matches_filters(dims: dict, start_at, end_at, filters: Filters) -> bool:
    """An alert is shown unless its series names another value of a filtered dimension, or it lies
    outside the date window. Alerts not split by a filtered dimension stay (they concern it too)."""
    for dim in FILTER_DIMS:
        wanted = getattr(filters, dim)
        if wanted and dim in dims and str(dims[dim]) not in wanted:
            return False
    if filters.high_profile is not None and "high_profile" in dims:
        if str(dims["high_profile"]).lower() != ("true" if filters.high_profile else "false"):
            return False
    start = pd.Timestamp(start_at).date()
    end = pd.Timestamp(end_at).date()
    if filters.date_to and start > filters.date_to:
        return False
    if filters.date_from and end < filters.date_from:
        return False
    return True


def anomaly_list(con, config: Config, filters: Filters, status: str = "open",
                 severity: str | None = None) -> pd.DataFrame:
    frame = anomaly_api.list_anomalies(con, config, withdrawn=WITHDRAWN_BY_STATUS.get(status, "exclude"))
    if frame.empty:
        return frame
    keep = [matches_filters(alert_dims(r), r["start_at"], r["end_at"], filters)
            for r in frame.to_dict("records")]
    frame = frame[keep]
    if status == "open":
        frame = frame[frame["triage_status"].isin(OPEN_STATUSES)]
    elif status in triage.STATUSES:
        frame = frame[frame["triage_status"] == status]
    if severity in SEVERITIES:
        frame = frame[frame["severity"] == severity]
    rank = {s: i for i, s in enumerate(SEVERITY_ORDER)}
    frame = frame.assign(_rank=frame["severity"].map(rank))
    return frame.sort_values(["_rank", "start_at"], ascending=[True, False]).drop(columns="_rank") \
        .reset_index(drop=True)


def anomaly_detail(con, config: Config, anomaly_id: str) -> dict | None:
    """The alert without its triage part (cacheable per warehouse version)."""
    return anomaly_api.alert_detail(con, config, anomaly_id)


def triage_state(config: Config, anomaly_id: str) -> dict:
    return triage.state_of(config.triage_path, anomaly_id)


def triage_history(config: Config, anomaly_id: str) -> list[dict]:
    return triage.history(config.triage_path, anomaly_id)


def set_triage(con, config: Config, anomaly_id: str, action: str, note: str | None, who: str | None) -> dict:
    """Refused (UnknownAnomaly) for an id the warehouse does not hold."""
    return anomaly_api.set_triage(con, config, anomaly_id, TRIAGE_ACTIONS[action], note or None, who or None)


def annotations(config: Config) -> pd.DataFrame:
    return pd.DataFrame(triage.list_annotations(config.triage_path))


def add_annotation(config: Config, start: str, end: str | None, label: str, kind: str,
                   category: str | None, region: str | None, who: str | None) -> dict:
    return triage.add_annotation(config.triage_path, start, end or None, label, kind, category or None,
                                 region or None, None, who or None)
