"""New alerts are recorded as reported only after the swap and the webhook post, so a refresh
killed before then loses nothing: the next run announces them as new and posts them.

Real processes (SAFETYOPS_TEST_PAUSE_AT, SIGKILL), a real DuckDB file, the real SQLite triage store
and a real local HTTP receiver.
"""
from __future__ import annotations

import signal

import pandas as pd
import pytest

from anomaly.warehouse_detection import mark_reported, run_detection
from core.config import load_config
from core.warehouse import writing
from safetyops.cli import main
from safetyops.refresh import run_refresh
from safetyops.webhook_outbox import alert_delivery_key
from tests.anomaly_fixtures import insert_frame, planted_spike_tickets
from tests.refresh_fixtures import write_csv
from tests.test_refresh_crash import start_paused
from tests.test_refresh_report_webhook import config_with_hook
from tests.test_refresh_webhook import Hook

SPIKE_START = pd.Timestamp("2026-04-08 10:00", tz="UTC")   # the planted spam x BR hourly spike


def iso(ts: pd.Timestamp) -> str:
    return ts.strftime("%Y-%m-%dT%H:%M:%SZ")


def canonical_rows(frame: pd.DataFrame) -> list[dict]:
    """The planted-spike tickets as rows of the canonical CSV export."""
    return [{"ticket_id": r.ticket_id, "source": "canonical", "created_at": iso(r.created_at),
             "updated_at": iso(r.updated_at), "first_response_at": "", "resolved_at": "", "status": r.status,
             "priority": r.priority, "channel": r.channel, "abuse_category": r.abuse_category, "region": r.region,
             "language": r.language, "vendor": r.vendor, "queue": r.queue, "agent_id": "", "escalated": "false",
             "high_profile": "false", "reopen_count": "0", "qa_score": "", "csat": "", "reporter_hash": "",
             "tags": ""} for r in frame.itertuples(index=False)]


def spike_alert(alerts: list[dict]) -> list[dict]:
    return [a for a in alerts if a["family"] == "counts_hourly"
            and a["series_key"] == "abuse_category=spam|region=BR"
            and pd.Timestamp(a["start_at"]) == SPIKE_START]


@pytest.mark.slow
@pytest.mark.parametrize("step, n_posts", [
    ("detected", 1),   # killed before the swap: nothing posted, the next run posts once
    ("swapped", 1),    # killed after the swap, before queuing: likewise
    ("posted", 2),     # killed after the post, before recording it: posted again, same key and bytes
])
def test_refresh_killed_before_recording_the_post_then_next_run_posts_the_alerts(config_file, step, n_posts):
    with Hook([200]) as hook:
        config = config_with_hook(config_file, hook.url, lookback_hours=24 * 30)
        write_csv(config.inbox_dir / "spike.csv", canonical_rows(planted_spike_tickets()))
        proc = start_paused(config_file, step)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        proc.stderr.close()
        assert len(hook.bodies) == n_posts - 1, "the killed run posted, or did not"

        clean = run_refresh(load_config(config_file), report=False)
        assert clean.webhook is not None and clean.webhook.ok
        assert len(hook.bodies) == n_posts
        if step != "posted":
            assert clean.counts.n_anomalies_new > 0
            assert len(spike_alert(clean.new_high_or_critical)) == 1, clean.new_high_or_critical
            posted = {a["anomaly_id"] for a in hook.bodies[-1]["anomalies"]}
            assert posted == {a["anomaly_id"] for a in clean.new_high_or_critical}
        else:   # the killed run had recorded the alerts as reported with the queued message
            assert clean.counts.n_anomalies_new == 0 and clean.new_high_or_critical == []
        # every copy: same Idempotency-Key header, same body, the spike alert with its keys
        assert len(set(hook.keys)) == 1 and hook.keys[0] == hook.bodies[0]["delivery_key"]
        assert all(b == hook.bodies[0] for b in hook.bodies)
        assert len(spike_alert(hook.bodies[0]["anomalies"])) == 1
        assert all(a["delivery_key"] == alert_delivery_key(a["anomaly_id"]) for a in hook.bodies[0]["anomalies"])

        again = run_refresh(load_config(config_file), report=False)
    assert again.counts.n_anomalies_new == 0 and again.webhook is None and len(hook.bodies) == n_posts


def test_detection_whose_warehouse_is_never_swapped_in_reports_nothing(config):
    with writing(config.db_path, fresh=True) as con:
        insert_frame(con, planted_spike_tickets())
    with pytest.raises(RuntimeError):
        with writing(config.db_path) as con:
            lost = run_detection(con, config)
            raise RuntimeError("the run dies before the swap")
    assert lost.n_new > 0
    with writing(config.db_path) as con:
        first = run_detection(con, config)
    assert (first.n_new, sorted(first.new_ids)) == (lost.n_new, sorted(lost.new_ids))
    assert spike_alert(first.new_high_or_critical)
    mark_reported(config, first.new_ids)
    with writing(config.db_path) as con:
        second = run_detection(con, config)
    assert (second.n_new, second.new_ids, second.new_high_or_critical) == (0, [], [])


def test_detect_cli_reports_new_alerts_once(config, capsys):
    with writing(config.db_path, fresh=True) as con:
        insert_frame(con, planted_spike_tickets())
    assert main(["--config", str(config.path), "detect"]) == 0
    first = capsys.readouterr().out
    assert main(["--config", str(config.path), "detect"]) == 0
    second = capsys.readouterr().out
    n_total = int(first.split(", ")[2].split()[0])
    assert first.startswith(f"{n_total} new, 0 updated, {n_total} alerts in total")
    assert "[high]" in first or "[critical]" in first
    assert second.startswith(f"0 new, 0 updated, {n_total} alerts in total")
