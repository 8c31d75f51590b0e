"""At-least-once webhook delivery with an idempotency key the receiver can dedupe on.

Exactly once is impossible here: a refresh killed after the receiver took a message but before the
run recorded it cannot know the message arrived. So every message is first queued (the triage
store's `webhook_outbox`, in the same SQLite transaction that records its alerts as reported),
then posted, then marked delivered or failed. A message still pending when a run starts is posted
again, byte for byte, under the same key:

  - `Idempotency-Key` header = the body's `delivery_key`: a hash of the alerts it carries, the same
    on HTTP retries and on a re-post after a crash;
  - each alert carries its stable `anomaly_id` and its own `delivery_key` (a hash of "new alert" and
    the id), the same in whichever message it travels.

A message that still fails after its retries stays pending and is posted again by later runs,
under the same key, until it is delivered or older than the webhook lookback (then it is given up,
as its alerts are history by then). A client error (4xx other than 408/429: a wrong URL, a
refused body) will not heal by waiting: that message is given up at once. A webhook that is down
never fails the refresh.
"""
from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Iterable

from anomaly import triage
from core.sql_files import sql_text

KEEP_FINISHED_DAYS = 30   # delivered/failed messages kept this long (an audit trail), then dropped


@dataclass(frozen=True)
class Delivery:
    key: str
    body: bytes
    n_alerts: int


def alert_delivery_key(anomaly_id: str) -> str:
    """The key of one alert's "new alert" notification: a function of its stable id only."""
    return hashlib.sha256(f"safetyops:new-alert:{anomaly_id}".encode("utf-8")).hexdigest()[:32]


def message_key(alert_keys: Iterable[str]) -> str:
    """The key of a message: the same for the same set of alerts."""
    text = "safetyops:webhook:" + ",".join(sorted(alert_keys))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def with_keys(message: dict) -> dict:
    """The message with a delivery_key on each alert and on the whole."""
    alerts = [{**a, "delivery_key": alert_delivery_key(str(a["anomaly_id"]))} for a in message["anomalies"]]
    return {**message, "anomalies": alerts, "delivery_key": message_key(a["delivery_key"] for a in alerts)}


def encode(message: dict) -> bytes:
    return json.dumps(message, default=str, sort_keys=True).encode("utf-8")


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _schema(con: sqlite3.Connection) -> None:
    con.executescript(sql_text("safetyops", "webhook_outbox.sql"))


def queue(path: Path, message: dict, reported_ids: Iterable[str]) -> Delivery:
    """Queue a keyed message and record `reported_ids` as reported, in one transaction."""
    body = encode(message)
    key = message["delivery_key"]
    with triage.connect(path) as con:
        _schema(con)
        con.execute("INSERT OR IGNORE INTO webhook_outbox (delivery_key, body, n_alerts, state, created_at) "
                    "VALUES (?, ?, ?, 'pending', ?)", (key, body.decode("utf-8"), len(message["anomalies"]), _now()))
        triage.record_seen(con, reported_ids)
        cutoff = (datetime.now(timezone.utc) - timedelta(days=KEEP_FINISHED_DAYS)).isoformat(timespec="seconds")
        con.execute("DELETE FROM webhook_outbox WHERE state <> 'pending' AND finished_at < ?", (cutoff,))
    return Delivery(key, body, len(message["anomalies"]))


def pending(path: Path, max_age_hours: float | None = None) -> list[Delivery]:
    """Messages queued but not known to be delivered or given up, oldest first. Pending messages
    queued more than `max_age_hours` ago are given up first (state failed)."""
    if not Path(path).exists():
        return []
    with triage.connect(path) as con:
        _schema(con)
        if max_age_hours is not None:
            cutoff = (datetime.now(timezone.utc) - timedelta(hours=max_age_hours)).isoformat(timespec="seconds")
            con.execute("UPDATE webhook_outbox SET state = 'failed', finished_at = ?, "
                        "last_error = coalesce(last_error || '; ', '') || 'given up: older than the webhook lookback' "
                        "WHERE state = 'pending' AND created_at < ?", (_now(), cutoff))
        rows = con.execute("SELECT delivery_key, body, n_alerts FROM webhook_outbox WHERE state = 'pending' "
                           "ORDER BY rowid").fetchall()   # queued order
    return [Delivery(r["delivery_key"], r["body"].encode("utf-8"), r["n_alerts"]) for r in rows]


def is_permanent_failure(status: int | None) -> bool:
    """A client error that retrying later will not cure (408 timeout and 429 rate limit will)."""
    return status is not None and 400 <= status < 500 and status not in (408, 429)


def finish(path: Path, key: str, ok: bool, status: int | None, error: str | None) -> str:
    """Record a post's outcome; returns the message's state: delivered, pending (posted again by a
    later run) or failed (given up)."""
    state = "delivered" if ok else ("failed" if is_permanent_failure(status) else "pending")
    with triage.connect(path) as con:
        _schema(con)
        con.execute("UPDATE webhook_outbox SET state = ?, posts = posts + 1, last_status = ?, last_error = ?, "
                    "finished_at = CASE WHEN ? = 'pending' THEN NULL ELSE ? END WHERE delivery_key = ?",
                    (state, status, error, state, _now(), key))
    return state


def states(path: Path) -> dict[str, str]:
    """delivery_key -> state (for status checks and tests)."""
    if not Path(path).exists():
        return {}
    with triage.connect(path) as con:
        _schema(con)
        return {r["delivery_key"]: r["state"] for r in con.execute("SELECT delivery_key, state FROM webhook_outbox")}
