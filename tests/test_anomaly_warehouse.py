"""Warehouse detection end to end: real DuckDB file, real SQLite triage store, the CLI."""
from __future__ import annotations

import json

import pandas as pd
import pytest

from anomaly import triage
from anomaly.api import get_anomaly, list_anomalies
from anomaly.contributors import contributors
from anomaly.warehouse_detection import mark_reported, run_detection
from core.warehouse import connect_read, writing
from safetyops.cli import main
from tests.anomaly_fixtures import insert_frame, planted_spike_tickets

SPIKE_START = pd.Timestamp("2026-04-08 10:00", tz="UTC")   # day 37 after 2026-03-02


@pytest.fixture
def loaded(config):
    with writing(config.db_path, fresh=True) as con:
        insert_frame(con, planted_spike_tickets())
    return config


def detect(config):
    """What `safetyops detect` does: detect in the next warehouse, record the new alerts after the swap."""
    with writing(config.db_path) as con:
        summary = run_detection(con, config)
    mark_reported(config, summary.new_ids)
    return summary


def hourly_spike(frame: pd.DataFrame) -> pd.Series:
    rows = frame[(frame["family"] == "counts_hourly") & (frame["series_key"] == "abuse_category=spam|region=BR")]
    assert len(rows) == 1, rows[["series_key", "start_at", "end_at"]]
    return rows.iloc[0]


def test_detect_finds_the_planted_spike_with_explanation_and_contributors(loaded):
    summary = detect(loaded)
    assert summary.n_new >= 1 and summary.n_updated == 0
    con = connect_read(loaded.db_path)
    try:
        frame = list_anomalies(con, loaded)
        row = hourly_spike(frame)
        assert pd.Timestamp(row["start_at"]) == SPIKE_START
        assert row["triage_status"] == "new"
        assert "spam x BR" in row["explanation"] and "expected" in row["explanation"]
        assert "since 2026-04-08 10:00" in row["explanation"] and "Baseline: same hour of the week" in row["explanation"]
        detail = get_anomaly(con, loaded, row["anomaly_id"])
    finally:
        con.close()
    top = {}
    for c in detail["contributors"]:          # ranked: the first of each dimension is its top value
        top.setdefault(c["dimension"], c)
    assert top["language"]["value"] == "pt" and top["language"]["share_of_excess"] > 0.8
    assert top["vendor"]["value"] == "Bluepeak"
    assert all(c["share_of_excess"] >= 0.05 for c in detail["contributors"])
    series = detail["series"]
    assert {"bucket_at", "value", "expected", "lower", "upper"} <= set(series.columns)
    assert series["is_anomaly"].any()
    assert summary.new_high_or_critical and any(a["anomaly_id"] == row["anomaly_id"]
                                                for a in summary.new_high_or_critical)


def test_contributors_rank_the_planted_language_first(loaded):
    con = connect_read(loaded.db_path)
    try:
        ranked = contributors(con, {"abuse_category": "spam", "region": "BR"}, SPIKE_START,
                              SPIKE_START + pd.Timedelta(hours=6))
    finally:
        con.close()
    langs = [c for c in ranked if c.dimension == "language"]
    assert langs[0].value == "pt"
    assert langs[0].observed == 360 and langs[0].expected == 0
    assert pytest.approx(langs[0].share_of_excess, abs=0.05) == 360 / 396


def test_triage_survives_a_warehouse_rebuild_and_is_not_raised_again(loaded, capsys):
    detect(loaded)
    con = connect_read(loaded.db_path)
    anomaly_id = hourly_spike(list_anomalies(con, loaded))["anomaly_id"]
    con.close()
    assert main(["--config", str(loaded.path), "anomalies", "set", anomaly_id, "--status", "acknowledged",
                 "--note", "known raid", "--who", "ana"]) == 0
    # Rebuild from scratch: same tickets, empty warehouse.
    with writing(loaded.db_path, fresh=True) as con:
        insert_frame(con, planted_spike_tickets())
    summary = detect(loaded)
    assert summary.n_new == 0
    assert all(a["anomaly_id"] != anomaly_id for a in summary.new_high_or_critical)
    con = connect_read(loaded.db_path)
    row = list_anomalies(con, loaded).set_index("anomaly_id").loc[anomaly_id]
    con.close()
    assert row["triage_status"] == "acknowledged" and row["triage_note"] == "known raid" and row["triage_who"] == "ana"
    capsys.readouterr()
    assert main(["--config", str(loaded.path), "anomalies", "list", "--status", "acknowledged", "--format", "json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [r["anomaly_id"] for r in listed] == [anomaly_id]


def test_rerun_without_changes_reports_nothing_new(loaded):
    first = detect(loaded)
    second = detect(loaded)
    assert first.n_total == second.n_total
    assert (second.n_new, second.n_updated) == (0, 0)


def test_ongoing_alert_updates_instead_of_reopening(config):
    full = planted_spike_tickets()
    cut = SPIKE_START + pd.Timedelta(hours=3)
    with writing(config.db_path, fresh=True) as con:
        insert_frame(con, full[full["created_at"] < cut])
    first = detect(config)
    con = connect_read(config.db_path)
    before = hourly_spike(list_anomalies(con, config))
    con.close()
    with writing(config.db_path, fresh=True) as con:
        insert_frame(con, full)
    second = detect(config)
    con = connect_read(config.db_path)
    after = hourly_spike(list_anomalies(con, config))
    con.close()
    assert first.n_new >= 1
    assert after["anomaly_id"] == before["anomaly_id"]
    assert after["end_at"] > before["end_at"] and after["observed"] > before["observed"]
    assert second.n_updated >= 1


def test_annotated_holiday_suppresses_and_launch_labels(loaded, capsys):
    assert main(["--config", str(loaded.path), "annotate", "add", "--start", "2026-04-08", "--label", "Tiradentes",
                 "--kind", "holiday", "--region", "BR", "--category", "spam"]) == 0
    summary = detect(loaded)
    con = connect_read(loaded.db_path)
    frame = list_anomalies(con, loaded)
    con.close()
    assert not ((frame["series_key"] == "abuse_category=spam|region=BR") & (frame["family"] == "counts_hourly")).any()
    assert summary.n_total == len(frame)
    capsys.readouterr()
    assert main(["--config", str(loaded.path), "annotate", "list", "--format", "json"]) == 0
    notes = json.loads(capsys.readouterr().out)
    assert notes[0]["label"] == "Tiradentes" and notes[0]["action"] == "suppress"


def test_launch_annotation_labels_the_alert(loaded):
    triage.add_annotation(loaded.triage_path, "2026-04-08T09:00:00Z", "2026-04-08T18:00:00Z", "PT app launch",
                          "launch", region="BR")
    detect(loaded)
    con = connect_read(loaded.db_path)
    row = hourly_spike(list_anomalies(con, loaded))
    con.close()
    assert row["labels"] == "PT app launch" and "Known events: PT app launch" in row["explanation"]


def test_detect_and_list_cli(loaded, capsys):
    assert main(["--config", str(loaded.path), "detect"]) == 0
    out = capsys.readouterr().out
    assert "new," in out and "updated" in out
    assert main(["--config", str(loaded.path), "anomalies", "list", "--status", "new", "--format", "csv"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith("anomaly_id,severity,triage_status")
    assert "abuse_category=spam|region=BR" in out
    assert main(["--config", str(loaded.path), "anomalies", "set", "nope", "--status", "bogus"]) != 0


def test_triage_store_validates_status(tmp_path):
    with pytest.raises(triage.TriageError, match="valid: new, acknowledged"):
        triage.set_status(tmp_path / "t.sqlite", "abc", "done")


def test_mix_shift_and_frt_spike_are_flagged(config):
    from tests.anomaly_fixtures import daily_mix_and_frt_tickets
    with writing(config.db_path, fresh=True) as con:
        insert_frame(con, daily_mix_and_frt_tickets())
    detect(config)
    con = connect_read(config.db_path)
    frame = list_anomalies(con, config)
    con.close()
    day = pd.Timestamp("2026-05-01", tz="UTC")          # event_day 60 after 2026-03-02
    mix = frame[frame["family"] == "mix_daily"]
    assert len(mix) == 1 and pd.Timestamp(mix.iloc[0]["start_at"]) == day
    assert "harassment" in mix.iloc[0]["explanation"] and "IsolationForest" in mix.iloc[0]["explanation"]
    share = frame[(frame["family"] == "share_daily") & (frame["series_key"] == "abuse_category=harassment|region=BR")]
    assert [pd.Timestamp(t) for t in share["start_at"]] == [day]
    frt = frame[frame["family"] == "frt_p90_daily"]
    assert frt["series_key"].tolist() == ["region=BR|vendor=Bluepeak"]
    assert pd.Timestamp(frt.iloc[0]["start_at"]) == day and frt.iloc[0]["direction"] == "up"
    assert "first-response p90" in frt.iloc[0]["explanation"]


def test_a_slow_reply_among_a_handful_of_tickets_is_not_an_frt_alert(config):
    """A p90 over three answers is one reply: it must not page anyone, however slow it was."""
    import numpy as np

    from tests.anomaly_fixtures import daily_mix_and_frt_tickets, tickets_frame
    rng = np.random.default_rng(3)
    days = pd.Timestamp("2026-03-02") + pd.to_timedelta(np.repeat(np.arange(70), 3), unit="D")
    minutes = rng.normal(45, 5, len(days)).clip(1)
    minutes[60 * 3] = 5000.0                                # one very slow reply on day 60
    tiny = tickets_frame(pd.DataFrame({"bucket_at": days + pd.Timedelta(hours=10), "n": 1,
                                       "abuse_category": "spam", "region": "FR", "vendor": "Tiny",
                                       "frt_minutes": minutes}), 5)
    tiny["ticket_id"] = "tiny-" + tiny["ticket_id"].astype(str)
    with writing(config.db_path, fresh=True) as con:
        insert_frame(con, pd.concat([daily_mix_and_frt_tickets(), tiny], ignore_index=True))
    detect(config)
    con = connect_read(config.db_path)
    frt = list_anomalies(con, config, family="frt_p90_daily")
    con.close()
    assert frt["series_key"].tolist() == ["region=BR|vendor=Bluepeak"]   # the real spike, not FR x Tiny
