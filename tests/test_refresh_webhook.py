"""Posting new high/critical anomalies: against a real HTTP server on 127.0.0.1 in a thread."""
from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from safetyops.refresh import notify
from safetyops.webhook import anomaly_message, post_json

# the dicts anomaly.detect.run_detection returns in new_high_or_critical
ANOMALIES = [
    {"anomaly_id": "a1", "severity": "critical", "series_key": "abuse_category=spam|region=BR",
     "family": "counts_hourly", "start_at": "2026-11-23T10:00:00+00:00",
     "explanation": "160 tickets vs 40 expected (+300%)"},
    {"anomaly_id": "a2", "severity": "high", "series_key": "abuse_category=harassment|region=US",
     "family": "counts_daily", "start_at": "2026-11-23T00:00:00+00:00", "explanation": "55 vs 20.5 expected"},
]


class Hook:
    """A local webhook receiver that answers each POST with the next status of `statuses` (last repeats)."""

    def __init__(self, statuses=(200,), delay: float = 0.0):
        self.statuses, self.delay, self.bodies = list(statuses), delay, []
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's naming
                length = int(self.headers.get("Content-Length", 0))
                hook.bodies.append(json.loads(self.rfile.read(length)))
                if hook.delay:
                    threading.Event().wait(hook.delay)
                status = hook.statuses[min(len(hook.bodies) - 1, len(hook.statuses) - 1)]
                self.send_response(status)
                self.send_header("Content-Type", "text/plain")
                self.end_headers()
                self.wfile.write(b"ok" if status == 200 else b"nope")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def test_message_is_slack_compatible_and_lists_each_anomaly():
    body = anomaly_message(ANOMALIES)
    assert body["text"].splitlines()[0] == "safetyops: 2 new high/critical anomalies"
    lines = body["text"].splitlines()
    assert lines[1] == ("• [critical] abuse_category=spam|region=BR (counts_hourly) · 160 tickets vs 40 expected "
                        "(+300%) · since 2026-11-23T10:00:00+00:00 · id a1")
    assert lines[2].startswith("• [high] abuse_category=harassment|region=US (counts_daily)")
    assert body["anomalies"] == ANOMALIES


def test_posts_json_once_when_receiver_is_up():
    with Hook([200]) as hook:
        result = post_json(hook.url, anomaly_message(ANOMALIES), timeout=5, retries=3, backoff_start=0.01)
    assert result.ok and result.attempts == 1 and result.status == 200
    assert hook.bodies == [json.loads(json.dumps(anomaly_message(ANOMALIES)))]


def test_retries_500s_then_succeeds():
    with Hook([500, 503, 200]) as hook:
        result = post_json(hook.url, {"text": "x"}, timeout=5, retries=3, backoff_start=0.01)
    assert result.ok and result.attempts == 3 and len(hook.bodies) == 3


def test_gives_up_after_retries_on_persistent_500():
    with Hook([500]) as hook:
        result = post_json(hook.url, {"text": "x"}, timeout=5, retries=2, backoff_start=0.01)
    assert not result.ok and result.attempts == 3 and result.status == 500 and len(hook.bodies) == 3
    assert "HTTP 500" in result.error


def test_client_error_is_not_retried():
    with Hook([404]) as hook:
        result = post_json(hook.url, {"text": "x"}, timeout=5, retries=3, backoff_start=0.01)
    assert not result.ok and result.attempts == 1 and result.status == 404


def test_timeout_counts_as_a_failed_attempt():
    with Hook([200], delay=1.0) as hook:
        result = post_json(hook.url, {"text": "x"}, timeout=0.2, retries=1, backoff_start=0.01)
    assert not result.ok and result.attempts == 2 and result.status is None


def test_nothing_listening_is_reported_not_raised():
    with Hook([200]) as hook:
        url = hook.url
    result = post_json(url, {"text": "x"}, timeout=1, retries=1, backoff_start=0.01)
    assert not result.ok and result.attempts == 2 and result.status is None


def test_notify_uses_config_and_skips_without_url_or_anomalies(config):
    from dataclasses import replace
    with Hook([500]) as hook:
        cfg = replace(config, webhook_url=hook.url, webhook_retries=1, webhook_timeout_seconds=2)
        assert notify(cfg, []) is None and hook.bodies == []
        result = notify(cfg, ANOMALIES)
    assert result is not None and not result.ok and len(hook.bodies) == 2
    assert notify(replace(config, webhook_url=None), ANOMALIES) is None
