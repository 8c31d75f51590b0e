"""Posting new high/critical anomalies: against a real HTTP server on 127.0.0.1 in a thread."""
from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from safetyops.refresh import notify
from safetyops.webhook import anomaly_message, post_json

ANOMALIES = [
    {"anomaly_id": "a1", "severity": "critical", "title": "spam in BR <script>", "observed": 160,
     "expected": 40.0, "start": "2026-11-23T10:00:00+00:00"},
    {"anomaly_id": "a2", "severity": "high", "title": "harassment in US", "observed": 55, "expected": 20.5,
     "start": "2026-11-23T12:00:00+00:00"},
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
    assert "[critical] spam in BR <script>" in body["text"]
    assert "160 vs 40.0 expected" in body["text"] and "id a2" in body["text"]
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
