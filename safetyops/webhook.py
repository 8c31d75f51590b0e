"""Posting new high and critical anomalies to a chat webhook (Slack-compatible `text` field).

A webhook that is down must not fail the refresh: the caller logs the outcome and goes on.
Delivery is at least once, with an idempotency key: see safetyops/webhook_outbox.py.
"""
from __future__ import annotations

import json
import logging
import time
import urllib.error
import urllib.request
from dataclasses import dataclass

log = logging.getLogger("safetyops.webhook")

BACKOFF_START_SECONDS = 0.5
BACKOFF_MAX_SECONDS = 8.0
MAX_LISTED = 20   # a chat message stays readable; the rest are counted


@dataclass(frozen=True)
class PostResult:
    ok: bool
    attempts: int
    status: int | None     # last HTTP status, None when no response came back
    error: str | None


def _describe(anomaly: dict) -> str:
    """One line per alert from anomaly.warehouse_detection's summary dicts (series_key, family, explanation...)."""
    severity = anomaly.get("severity", "?")
    what = anomaly.get("series_key") or anomaly.get("title") or anomaly.get("family") or "anomaly"
    parts = [f"[{severity}] {what}"]
    if anomaly.get("family"):
        parts[0] += f" ({anomaly['family']})"
    if anomaly.get("explanation"):
        parts.append(str(anomaly["explanation"]))
    start = anomaly.get("start_at") or anomaly.get("start")
    if start:
        parts.append(f"since {start}")
    if anomaly.get("anomaly_id"):
        parts.append(f"id {anomaly['anomaly_id']}")
    return " · ".join(parts)


def anomaly_message(anomalies: list[dict]) -> dict:
    """The JSON body: `text` for Slack-like receivers, `anomalies` for machines."""
    n = len(anomalies)
    lines = [f"safetyops: {n} new high/critical anomal{'y' if n == 1 else 'ies'}"]
    lines += [f"• {_describe(a)}" for a in anomalies[:MAX_LISTED]]
    if n > MAX_LISTED:
        lines.append(f"… and {n - MAX_LISTED} more (safetyops anomalies list --status new)")
    return {"text": "\n".join(lines), "anomalies": anomalies}


def _retryable(status: int | None) -> bool:
    return status is None or status == 429 or status >= 500


def post_json(url: str, payload: dict, timeout: float, retries: int,
              backoff_start: float = BACKOFF_START_SECONDS, idempotency_key: str | None = None) -> PostResult:
    """POST with a timeout; retry (exponential backoff) on connection errors, 429 and 5xx."""
    body = json.dumps(payload, default=str, sort_keys=True).encode("utf-8")
    return post_body(url, body, timeout, retries, backoff_start, idempotency_key)


def post_body(url: str, body: bytes, timeout: float, retries: int,
              backoff_start: float = BACKOFF_START_SECONDS, idempotency_key: str | None = None) -> PostResult:
    """POST JSON bytes; every attempt carries the same `Idempotency-Key` header when one is given."""
    headers = {"Content-Type": "application/json"}
    if idempotency_key:
        headers["Idempotency-Key"] = idempotency_key
    delay, status, error = backoff_start, None, None
    attempts = 0
    for attempt in range(retries + 1):
        attempts = attempt + 1
        request = urllib.request.Request(url, data=body, method="POST", headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                response.read()
                return PostResult(True, attempts, response.status, None)
        except urllib.error.HTTPError as exc:
            status, error = exc.code, f"HTTP {exc.code} {exc.reason}"
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            status, error = None, f"{type(exc).__name__}: {getattr(exc, 'reason', exc)}"
        log.warning("webhook attempt %d of %d failed: %s", attempts, retries + 1, error)
        if not _retryable(status) or attempt == retries:
            break
        time.sleep(delay)
        delay = min(delay * 2, BACKOFF_MAX_SECONDS)
    return PostResult(False, attempts, status, error)
