"""What the refresh does with new alerts once the new warehouse is live: only recent ones are
paged, the webhook message is queued and posted through the outbox (at least once, never lost),
and the run's new alerts are recorded as reported."""
from __future__ import annotations

import datetime as dt
import logging

import pandas as pd

from anomaly.warehouse_detection import mark_reported as record_reported
from core.config import Config
from safetyops import webhook_outbox as outbox
from safetyops.pause_points import POSTED_STEP, pause_point
from safetyops.webhook import PostResult, anomaly_message, post_body

log = logging.getLogger("safetyops.refresh")


def recent_only(anomalies: list[dict], as_of_at: dt.datetime | None, hours: float) -> list[dict]:
    if as_of_at is None:
        return []
    cutoff = pd.Timestamp(as_of_at) - pd.Timedelta(hours=hours)
    return [a for a in anomalies if pd.Timestamp(a["start_at"]) >= cutoff]


def mark_reported(config: Config, ids: list[str], continued: dict[str, str] | None = None) -> None:
    """Record this run's new alerts as reported, now that their warehouse is live and the webhook
    has had them (and those continuing a reported alert, which take over its triage)."""
    if not ids and not continued:
        return
    record_reported(config, ids, continued)


def notify(config: Config, anomalies: list[dict], reported_ids: list[str] | None = None) -> PostResult | None:
    """Queue this run's message (recording `reported_ids` as reported with it), then post every
    pending message: this one, and any a killed run queued but may not have delivered (re-posted
    byte for byte under the same Idempotency-Key). Returns the last post's result, None if none."""
    if not config.webhook_url:
        return None
    if anomalies:
        outbox.queue(config.triage_path, outbox.with_keys(anomaly_message(anomalies)),
                     [*(reported_ids or []), *(a["anomaly_id"] for a in anomalies)])
    result = None
    for delivery in outbox.pending(config.triage_path, config.webhook_lookback_hours):
        result = post_body(config.webhook_url, delivery.body, config.webhook_timeout_seconds,
                           config.webhook_retries, idempotency_key=delivery.key)
        pause_point(POSTED_STEP)
        state = outbox.finish(config.triage_path, delivery.key, result.ok, result.status, result.error)
        if result.ok:
            log.info("webhook: posted %d new high/critical anomalies (Idempotency-Key %s)", delivery.n_alerts,
                     delivery.key)
            continue
        log.error("webhook: not delivered after %d attempt(s): %s (the refresh itself succeeded; %s)",
                  result.attempts, result.error,
                  "the receiver refused it, given up" if state == "failed"
                  else "the next run posts it again with the same Idempotency-Key")
        if state == "pending":
            break          # the receiver is down: the rest wait for the next run, oldest first
    return result
