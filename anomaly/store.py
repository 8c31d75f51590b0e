"""The `anomalies` table: one row per alert, written inside a warehouse `writing()` connection."""
from __future__ import annotations

import hashlib
import json
import math

import pandas as pd

from pipelines.warehouse import sql_text

COLUMNS = ("anomaly_id", "family", "metric", "grain", "series_key", "dims_json", "abuse_category", "region",
           "direction", "start_at", "end_at", "peak_at", "peak_value", "peak_expected", "observed", "expected",
           "excess", "rise_pct", "lower_bound", "upper_bound", "p_value", "score", "severity", "n_points",
           "status", "labels", "explanation", "contributors_json", "baseline", "detected_at")


def ensure_table(con) -> None:
    con.execute(sql_text("anomaly", "anomalies.sql"))


def anomaly_id(family: str, series_key: str, start_at: pd.Timestamp) -> str:
    """Stable id: the same alert (same series, same start) keeps its id across runs and rebuilds."""
    text = f"{family}|{series_key}|{pd.Timestamp(start_at).isoformat()}"
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


def previous_state(con) -> dict[str, dict]:
    """What the last run stored, so this run can tell new, updated and unchanged alerts apart."""
    ensure_table(con)
    frame = con.execute("SELECT anomaly_id, end_at, observed, severity, status, contributors_json "
                        "FROM anomalies").df()
    return {r.anomaly_id: r._asdict() for r in frame.itertuples(index=False)}


def _clean(v):
    if isinstance(v, float) and (math.isnan(v) or math.isinf(v)):
        return None
    return v


def replace_all(con, rows: list[dict]) -> int:
    """Replace the table's content with this run's alerts (ids are stable, so nothing is lost)."""
    ensure_table(con)
    con.execute("DELETE FROM anomalies")
    if not rows:
        return 0
    frame = pd.DataFrame([{c: _clean(r.get(c)) for c in COLUMNS} for r in rows], columns=list(COLUMNS))
    for col in ("start_at", "end_at", "peak_at", "detected_at"):
        frame[col] = pd.to_datetime(frame[col], utc=True)
    con.register("new_anomalies", frame)
    try:
        con.execute(f"INSERT INTO anomalies ({', '.join(COLUMNS)}) SELECT {', '.join(COLUMNS)} FROM new_anomalies")
    finally:
        con.unregister("new_anomalies")
    return len(frame)


def dumps(value) -> str:
    return json.dumps(value, default=str, allow_nan=False)
