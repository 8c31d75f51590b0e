"""The `anomalies` table: one row per alert, written inside a warehouse `writing()` connection.

An alert a later run no longer raises is not deleted: `store_run` keeps its row as it was last
shown and marks it withdrawn (when, why, and which alert replaced it if one now covers its span
on the same series). Raised again under the same id, it is live again; triage, keyed by id in the
SQLite store, was never touched. Withdrawn rows that end before the detector's history window
are dropped, so the table stays bounded.
"""
from __future__ import annotations

import hashlib
import json
import math
from datetime import datetime

import pandas as pd

from anomaly.calendar import Event
from core.sql_files import run_sql_file, sql_text

COLUMNS = ("anomaly_id", "family", "metric", "grain", "series_key", "dims_json", "abuse_category", "region",
           "direction", "start_at", "end_at", "peak_at", "peak_value", "peak_expected", "observed", "expected",
           "excess", "rise_pct", "lower_bound", "upper_bound", "p_value", "score", "severity", "n_points",
           "status", "labels", "explanation", "contributors_json", "baseline", "detected_at",
           "parent_id", "related_json")


WITHDRAWN_COLUMNS = ("withdrawn_at", "withdrawn_reason", "replaced_by")
TIME_COLUMNS = ("start_at", "end_at", "peak_at", "detected_at")


def ensure_table(con) -> None:
    """Create the table, or add the withdrawn columns to one made by an older version."""
    run_sql_file(con, "anomaly", "anomalies.sql")


def anomaly_id(family: str, series_key: str, start_at: pd.Timestamp) -> str:
    """Stable id: the same alert (same series, same start) keeps its id across runs and rebuilds."""
    text = f"{family}|{series_key}|{pd.Timestamp(start_at).isoformat()}"
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


def previous_state(con) -> dict[str, dict]:
    """What the last run stored, so this run can tell new, updated and unchanged alerts apart."""
    ensure_table(con)
    frame = con.execute("SELECT anomaly_id, end_at, observed, severity, status, contributors_json, "
                        "withdrawn_at FROM anomalies").df()
    return {r.anomaly_id: r._asdict() for r in frame.itertuples(index=False)}


def _clean(v):
    if isinstance(v, float) and (math.isnan(v) or math.isinf(v)):
        return None
    return v


def _frame(rows: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame([{c: _clean(r.get(c)) for c in COLUMNS} for r in rows], columns=list(COLUMNS))
    for col in TIME_COLUMNS:
        frame[col] = pd.to_datetime(frame[col], utc=True)
    for col in ("anomaly_id", "family", "series_key"):
        frame[col] = frame[col].astype("string")
    return frame


def _utc_text(ts) -> str:
    return pd.Timestamp(ts).tz_convert("UTC").strftime("%Y-%m-%d %H:%M UTC")


def withdrawal_reason(row: dict, data_as_of, events: list[Event]) -> str:
    """Why an alert is no longer raised, as far as one run can tell."""
    if pd.notna(row.get("replaced_by")):
        return (f"replaced by alert {row['replaced_by']} on the same series, from "
                f"{_utc_text(row['replaced_by_start'])}: later data moved its start or merged it into a "
                "longer stretch")
    dims = json.loads(row.get("dims_json") or "{}")
    start = pd.Timestamp(row["start_at"]).tz_convert("UTC").tz_localize(None)
    end = pd.Timestamp(row["end_at"]).tz_convert("UTC").tz_localize(None)
    for ev in events:
        if ev.action == "suppress" and ev.applies_to(dims) and ev.start <= end and ev.end > start:
            added_by = f", added by {ev.who}" if ev.who else ""
            return f"suppressed by the calendar event '{ev.label}' ({ev.kind.replace('_', ' ')}{added_by})"
    upto = f" with data up to {_utc_text(data_as_of)}" if data_as_of is not None else ""
    return (f"no longer flagged{upto}: the tickets now loaded keep it inside its expected band or "
            "below the minimum excess or rise")


def store_run(con, rows: list[dict], now: datetime, history_start: datetime, data_as_of=None,
              events: list[Event] | None = None) -> list[str]:
    """Write one detection run: its alerts live, earlier alerts it did not raise withdrawn (kept),
    withdrawn alerts older than the history window dropped. One transaction (the writer's).
    Returns the ids this run withdrew."""
    ensure_table(con)
    frame = _frame(rows)
    con.register("new_anomalies", frame)
    try:
        vanished = con.execute(sql_text("anomaly", "anomalies_vanished.sql")).df()
        withdrawn_now = pd.DataFrame({
            "anomaly_id": vanished["anomaly_id"].astype("string"),
            "withdrawn_at": pd.Series([pd.Timestamp(now)] * len(vanished), dtype="datetime64[ns, UTC]"),
            "withdrawn_reason": pd.Series([withdrawal_reason(r, data_as_of, events or [])
                                           for r in vanished.to_dict("records")], dtype="string"),
            "replaced_by": vanished["replaced_by"].astype("string"),
        })
        con.register("withdrawn_now", withdrawn_now)
        try:
            run_sql_file(con, "anomaly", "anomalies_store.sql", {"history_start": history_start})
        finally:
            con.unregister("withdrawn_now")
    finally:
        con.unregister("new_anomalies")
    return [str(i) for i in withdrawn_now["anomaly_id"]]


def replacements(con, withdrawn_ids: list[str]) -> dict[str, str]:
    """withdrawn alert -> the live alert that replaced it, for the given ids that have one."""
    if not withdrawn_ids:
        return {}
    return dict(con.execute("SELECT anomaly_id, replaced_by FROM anomalies "
                            "WHERE replaced_by IS NOT NULL AND list_contains($ids, anomaly_id)",
                            {"ids": list(withdrawn_ids)}).fetchall())


def dumps(value) -> str:
    return json.dumps(value, default=str, allow_nan=False)
