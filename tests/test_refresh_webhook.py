"""Posting new high/critical anomalies: against a real HTTP server on 127.0.0.1 in a thread."""
from __future__ import annotations

import json
import sqlite3
import threading
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from safetyops.alert_delivery import notify
from safetyops.webhook import anomaly_message, post_json

# the dicts anomaly.warehouse_detection.run_detection returns in new_high_or_critical
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
        self.statuses, self.delay, self.bodies, self.keys = list(statuses), delay, [], []
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's naming
                length = int(self.headers.get("Content-Length", 0))
                hook.keys.append(self.headers.get("Idempotency-Key"))
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


def test_every_attempt_carries_the_idempotency_key():
    with Hook([503, 200]) as hook:
        result = post_json(hook.url, {"text": "x"}, timeout=5, retries=2, backoff_start=0.01, idempotency_key="k1")
    assert result.ok and hook.keys == ["k1", "k1"]


def test_notify_uses_config_and_skips_without_url_or_anomalies(config):
    from dataclasses import replace
    with Hook([500]) as hook:
        cfg = replace(config, webhook_url=hook.url, webhook_retries=1, webhook_timeout_seconds=2)
        assert notify(cfg, []) is None and hook.bodies == []
        result = notify(cfg, ANOMALIES)
    assert result is not None and not result.ok and len(hook.bodies) == 2
    assert notify(replace(config, webhook_url=None), ANOMALIES) is None


A3 = {"anomaly_id": "a3", "severity": "high", "series_key": "abuse_category=spam|region=US",
      "family": "counts_hourly", "start_at": "2026-11-23T12:00:00+00:00", "explanation": "80 vs 30 expected"}


def _crashed_run(cfg, anomalies):
    """What notify does up to a SIGKILL right after the post: queued, posted, outcome not recorded."""
    from safetyops import webhook_outbox as outbox
    from safetyops.webhook import post_body
    delivery = outbox.queue(cfg.triage_path, outbox.with_keys(anomaly_message(anomalies)),
                            [a["anomaly_id"] for a in anomalies])
    assert post_body(cfg.webhook_url, delivery.body, 2, 0, idempotency_key=delivery.key).ok


@pytest.mark.parametrize("next_run, expected_posts", [
    # the killed run's message comes again, identical; this run's own alerts in a message of their own
    ([], [["a1", "a2"], ["a1", "a2"]]),
    ([A3], [["a1", "a2"], ["a1", "a2"], ["a3"]]),
])
def test_repost_after_a_crash_carries_the_same_idempotency_key(config, next_run, expected_posts):
    from dataclasses import replace

    from safetyops.webhook_outbox import alert_delivery_key
    with Hook([200]) as hook:
        cfg = replace(config, webhook_url=hook.url, webhook_retries=0, webhook_timeout_seconds=2)
        _crashed_run(cfg, ANOMALIES)
        result = notify(cfg, next_run)
        assert result is not None and result.ok
        assert notify(cfg, []) is None            # recorded now: never posted a third time
    assert [[a["anomaly_id"] for a in b["anomalies"]] for b in hook.bodies] == expected_posts
    assert hook.keys[0] == hook.keys[1] == hook.bodies[0]["delivery_key"] and hook.bodies[0] == hook.bodies[1]
    assert len(set(hook.keys)) == len(expected_posts) - 1          # a new message has a new key
    for body, key in zip(hook.bodies, hook.keys):
        assert body["delivery_key"] == key
        assert all(a["delivery_key"] == alert_delivery_key(a["anomaly_id"]) for a in body["anomalies"])


@pytest.mark.parametrize("statuses, runs, expected_posts, final_state", [
    # receiver down for a run: the next run posts the same message again, under the same key
    ([500, 500, 200], 2, 3, "delivered"),
    # still down next run: pending, posted again by the run after
    ([500], 2, 4, "pending"),
    # the receiver refuses the message (wrong URL, bad body): waiting will not help, given up at once
    ([404], 2, 1, "failed"),
    # rate limited: worth another try next run
    ([429, 429, 200], 2, 3, "delivered"),
])
def test_an_undelivered_message_is_posted_again_by_later_runs_unless_refused(config, statuses, runs,
                                                                             expected_posts, final_state):
    from dataclasses import replace

    from safetyops import webhook_outbox as outbox
    with Hook(statuses) as hook:
        cfg = replace(config, webhook_url=hook.url, webhook_retries=1, webhook_timeout_seconds=2)
        notify(cfg, ANOMALIES)                      # this run: two attempts (one retry)
        for _ in range(runs - 1):
            notify(cfg, [])                          # later runs with nothing new
    assert len(hook.bodies) == expected_posts and len(set(hook.keys)) == 1
    assert all(body == hook.bodies[0] for body in hook.bodies)
    assert list(outbox.states(cfg.triage_path).values()) == [final_state]


def test_a_message_older_than_the_lookback_is_given_up(config):
    from dataclasses import replace

    from safetyops import webhook_outbox as outbox
    with Hook([500]) as hook:
        cfg = replace(config, webhook_url=hook.url, webhook_retries=0, webhook_timeout_seconds=2)
        notify(cfg, ANOMALIES)
        three_days_ago = (datetime.now(timezone.utc) - timedelta(days=3)).isoformat(timespec="seconds")
        with sqlite3.connect(cfg.triage_path) as con:        # queued three days ago
            con.execute("UPDATE webhook_outbox SET created_at = ?", (three_days_ago,))
        assert notify(cfg, []) is None
    assert len(hook.bodies) == 1
    assert list(outbox.states(cfg.triage_path).values()) == ["failed"]
