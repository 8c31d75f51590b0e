"""A refresh over a generated export with planted spikes: detection runs, the report is written,
the webhook is posted to a real local server, and a failing webhook does not fail the refresh.

Not the committed small sample: its spikes add about ten tickets, which rightly raise no high or
critical alert, and the webhook only carries those."""
from __future__ import annotations

import datetime as dt
import json
import shutil

import pytest

from core.config import load_config
from safetyops.alert_delivery import recent_only
from safetyops.refresh import run_refresh
from tests.refresh_fixtures import open_uncached
from sample_data.generator import generate_export
from sample_data.plan import SampleOptions
from tests.test_refresh_webhook import Hook

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def spiky_export(tmp_path_factory):
    """60 days x 1,500 tickets from 2026-05-01 (ends Monday 2026-06-29); two planted spikes of
    +150 to +200 tickets that the detector rates high."""
    folder = tmp_path_factory.mktemp("spiky")
    generate_export(folder, SampleOptions(days=60, per_day=1500, seed=7))
    return folder / "tickets_canonical.csv"


def config_with_hook(config_file, url: str, lookback_hours: float):
    text = config_file.read_text(encoding="utf-8")
    text = text.replace("[refresh]\n", f'[refresh]\nwebhook_url = "{url}"\nwebhook_retries = 1\n'
                                       f"webhook_timeout_seconds = 2\nwebhook_lookback_hours = {lookback_hours}\n")
    config_file.write_text(text, encoding="utf-8")
    return load_config(config_file)


def test_refresh_writes_report_and_survives_a_failing_webhook(config_file, spiky_export):
    with Hook([500]) as hook:
        config = config_with_hook(config_file, hook.url, lookback_hours=24 * 365)
        config.inbox_dir.mkdir(parents=True)
        shutil.copy(spiky_export, config.inbox_dir / "tickets.csv")
        summary = run_refresh(config, report=True)
    assert summary.status == "ok"
    assert summary.new_high_or_critical, "the sample's spikes should give high/critical alerts"
    assert summary.webhook is not None and not summary.webhook.ok and summary.webhook.attempts == 2
    assert len(hook.bodies) == 2 and hook.bodies[0]["text"].startswith("safetyops: ")
    # the sample ends on Monday 2026-06-29, so the last complete week is 2026-W26
    report = config.reports_dir / "2026-W26.html"
    assert summary.report_path == report and report.stat().st_size > 1_000_000
    assert "Weekly safety-support report 2026-W26" in report.read_text(encoding="utf-8")
    con = open_uncached(config.db_path)
    try:
        (new, updated, status), = con.execute(
            "SELECT n_anomalies_new, n_anomalies_updated, status FROM refresh_runs").fetchall()
    finally:
        con.close()
    assert new == summary.counts.n_anomalies_new > 0 and updated == 0 and status == "ok"
    status_doc = json.loads(config.refresh_status_path.read_text(encoding="utf-8"))
    assert status_doc["status"] == "ok" and status_doc["error"] is None


def test_webhook_posts_once_and_not_again_for_known_alerts(config_file, spiky_export):
    with Hook([200]) as hook:
        config = config_with_hook(config_file, hook.url, lookback_hours=24 * 365)
        config.inbox_dir.mkdir(parents=True)
        shutil.copy(spiky_export, config.inbox_dir / "tickets.csv")
        first = run_refresh(config, report=False)
        second = run_refresh(config, report=False)
    assert first.webhook is not None and first.webhook.ok
    assert len(hook.bodies) == 1
    posted = hook.bodies[0]["anomalies"]
    assert {a["anomaly_id"] for a in posted} == {a["anomaly_id"] for a in first.new_high_or_critical}
    assert all(a["severity"] in ("high", "critical") for a in posted), posted
    assert second.counts.n_anomalies_new == 0 and second.webhook is None


def test_default_lookback_keeps_history_backfills_quiet():
    as_of = dt.datetime(2026, 6, 29, 23, 0, tzinfo=dt.timezone.utc)
    alerts = [{"anomaly_id": "old", "start_at": "2026-06-20T00:00:00+00:00"},
              {"anomaly_id": "edge", "start_at": "2026-06-27T23:00:00+00:00"},
              {"anomaly_id": "new", "start_at": "2026-06-29T10:00:00+00:00"}]
    assert [a["anomaly_id"] for a in recent_only(alerts, as_of, 48)] == ["edge", "new"]
    assert recent_only(alerts, None, 48) == []
