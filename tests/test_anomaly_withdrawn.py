"""An alert a later run no longer raises stays listed as withdrawn, with its triage; it is not
announced; raised again with the same id it is live again with the same triage, and not new.

Real DuckDB warehouse, real SQLite triage store, the CLI. The planted spam x BR spike
(2026-04-08 10:00-16:00 UTC) is made to vanish three ways an analyst meets in practice.
"""
from __future__ import annotations

import json
import sqlite3
from dataclasses import replace

import duckdb
import pandas as pd
import pytest

from anomaly import triage
from anomaly.api import get_anomaly, list_anomalies
from anomaly.warehouse_detection import mark_reported, run_detection
from core.warehouse import connect_read, writing
from safetyops.cli import main
from tests.anomaly_fixtures import insert_frame, planted_spike_tickets

SPIKE_START = pd.Timestamp("2026-04-08 10:00", tz="UTC")
SERIES = "abuse_category=spam|region=BR"


def detect(config):
    with writing(config.db_path) as con:
        summary = run_detection(con, config)
    mark_reported(config, summary.new_ids, summary.continued)
    return summary


def hourly(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[(frame["family"] == "counts_hourly") & (frame["series_key"] == SERIES)]


def listed(config, **kw) -> pd.DataFrame:
    con = connect_read(config.db_path)
    try:
        return list_anomalies(con, config, **kw)
    finally:
        con.close()


def spike_extras(con, to_category: str) -> None:
    """The spike's extra tickets (pt / Bluepeak) re-categorised, as a later export would say."""
    con.execute("UPDATE tickets SET abuse_category = $c WHERE language = 'pt' AND vendor = 'Bluepeak'",
                {"c": to_category})


def reclassify(config) -> None:
    with writing(config.db_path) as con:
        spike_extras(con, "other")


def unreclassify(config) -> None:
    with writing(config.db_path) as con:
        spike_extras(con, "spam")


def holiday(config) -> None:
    triage.add_annotation(config.triage_path, "2026-04-08", None, "Tiradentes", "holiday", category="spam",
                          region="BR")


def no_holiday(config) -> None:
    with sqlite3.connect(config.triage_path) as con:
        con.execute("DELETE FROM annotations WHERE label = 'Tiradentes'")


def late_first_hours(config) -> None:
    """The tickets of the spike's first two hours arrive late: the spike now starts at 10:00."""
    full = planted_spike_tickets()
    late = full[(full["created_at"] >= SPIKE_START) & (full["created_at"] < SPIKE_START + pd.Timedelta(hours=2))]
    with writing(config.db_path) as con:
        insert_frame(con, late)


def without_first_hours(frame: pd.DataFrame) -> pd.DataFrame:
    hours = (frame["created_at"] >= SPIKE_START) & (frame["created_at"] < SPIKE_START + pd.Timedelta(hours=2))
    return frame[~hours]


CASES = {
    # name: (initial tickets, change between runs, reason starts with, replaced, undo or None)
    "reclassified": (lambda f: f, reclassify, "no longer flagged with data up to 2026-04-12 23:", False,
                     unreclassify),
    "holiday annotated": (lambda f: f, holiday, "suppressed by the calendar event 'Tiradentes' (holiday)", False,
                          no_holiday),
    "late tickets move the start": (without_first_hours, late_first_hours, "replaced by alert ", True, None),
}


@pytest.mark.parametrize("case", list(CASES))
def test_vanished_alert_is_kept_withdrawn_with_its_triage_and_not_announced(config, case, capsys):
    initial, change, reason, replaced, undo = CASES[case]
    with writing(config.db_path, fresh=True) as con:
        insert_frame(con, initial(planted_spike_tickets()))
    first = detect(config)
    (alert_id,) = hourly(listed(config))["anomaly_id"]
    assert alert_id in first.new_ids
    assert main(["--config", str(config.path), "anomalies", "set", alert_id, "--status", "acknowledged",
                 "--note", "raid, BR team told", "--who", "ana"]) == 0

    change(config)
    second = detect(config)
    assert alert_id in second.withdrawn_ids
    assert alert_id not in second.new_ids
    assert all(a["anomaly_id"] != alert_id for a in second.new_high_or_critical)
    assert alert_id not in set(listed(config)["anomaly_id"]), "a withdrawn alert is in the default list"
    row = listed(config, withdrawn="only").set_index("anomaly_id").loc[alert_id]
    assert pd.notna(row["withdrawn_at"]) and row["withdrawn_reason"].startswith(reason), row["withdrawn_reason"]
    assert (row["triage_status"], row["triage_note"], row["triage_who"]) == ("acknowledged", "raid, BR team told",
                                                                           "ana")
    assert pd.Timestamp(row["start_at"]) == SPIKE_START + (pd.Timedelta(hours=2) if replaced else pd.Timedelta(0))
    live = hourly(listed(config))
    if replaced:
        (successor,) = live["anomaly_id"]
        assert row["replaced_by"] == successor and successor in row["withdrawn_reason"]
        assert pd.Timestamp(live.iloc[0]["start_at"]) == SPIKE_START
        # the same incident: not announced again, and it keeps the analyst's triage
        assert second.continued == {successor: alert_id}
        assert successor not in second.new_ids and not second.new_high_or_critical
        assert (live.iloc[0]["triage_status"], live.iloc[0]["triage_note"]) == ("acknowledged", "raid, BR team told")
        assert "carried over from alert " + alert_id in triage.history(config.triage_path, successor)[-1]["note"]
    else:
        assert live.empty and pd.isna(row["replaced_by"])

    # the CLI: hidden by default, listed with a marker on request
    capsys.readouterr()
    assert main(["--config", str(config.path), "anomalies", "list", "--format", "json"]) == 0
    assert alert_id not in {r["anomaly_id"] for r in json.loads(capsys.readouterr().out)}
    assert main(["--config", str(config.path), "anomalies", "list", "--withdrawn", "only", "--format", "json"]) == 0
    shown = {r["anomaly_id"]: r for r in json.loads(capsys.readouterr().out)}
    assert shown[alert_id]["withdrawn_at"] and shown[alert_id]["withdrawn_reason"] == row["withdrawn_reason"]
    assert main(["--config", str(config.path), "anomalies", "list", "--withdrawn", "include", "--format",
                 "table"]) == 0
    table = capsys.readouterr().out
    assert next(line for line in table.splitlines() if alert_id in line).split()[1] == "withdrawn"

    con = connect_read(config.db_path)
    try:
        page = get_anomaly(con, config, alert_id)
    finally:
        con.close()
    assert page["withdrawn_reason"] == row["withdrawn_reason"] and page["triage"]["status"] == "acknowledged"

    third = detect(config)                      # nothing changed: still withdrawn, nothing new
    assert (third.withdrawn_ids, third.restored_ids) == ([], [])
    assert alert_id in set(listed(config, withdrawn="only")["anomaly_id"])
    if undo is None:
        return
    undo(config)
    back = detect(config)
    assert alert_id in back.restored_ids
    assert alert_id not in back.new_ids and back.n_new == 0
    assert all(a["anomaly_id"] != alert_id for a in back.new_high_or_critical)
    row = hourly(listed(config)).set_index("anomaly_id").loc[alert_id]
    assert pd.isna(row["withdrawn_at"]) and pd.isna(row["withdrawn_reason"])
    assert (row["triage_status"], row["triage_note"]) == ("acknowledged", "raid, BR team told")


def test_withdrawn_alerts_older_than_the_history_window_are_dropped(config):
    with writing(config.db_path, fresh=True) as con:
        insert_frame(con, planted_spike_tickets())
    detect(config)
    (alert_id,) = hourly(listed(config))["anomaly_id"]
    reclassify(config)
    detect(config)
    assert alert_id in set(listed(config, withdrawn="only")["anomaly_id"])
    # the newest ticket is 2026-04-12 23:xx: a 3-day window starts after the spike ended
    short = replace(config, detection={**config.detection, "history_days": 3})
    detect(short)
    assert alert_id not in set(listed(short, withdrawn="include")["anomaly_id"])


OLD_TABLE = """CREATE TABLE anomalies AS SELECT * EXCLUDE (withdrawn_at, withdrawn_reason, replaced_by)
FROM anomalies"""


def test_a_warehouse_from_before_withdrawn_alerts_is_upgraded_in_place(config):
    with writing(config.db_path, fresh=True) as con:
        insert_frame(con, planted_spike_tickets())
    detect(config)
    (alert_id,) = hourly(listed(config))["anomaly_id"]
    with writing(config.db_path) as con:     # the table as the previous version wrote it
        con.execute("ALTER TABLE anomalies RENAME TO anomalies_new")
        con.execute(OLD_TABLE.replace("FROM anomalies", "FROM anomalies_new"))
        con.execute("DROP TABLE anomalies_new")
    assert alert_id in set(listed(config)["anomaly_id"])          # readers cope before the upgrade
    reclassify(config)
    second = detect(config)
    assert alert_id in second.withdrawn_ids
    con = duckdb.connect(str(config.db_path), read_only=True)
    try:
        cols = {r[0] for r in con.execute("DESCRIBE anomalies").fetchall()}
    finally:
        con.close()
    assert {"withdrawn_at", "withdrawn_reason", "replaced_by"} <= cols
    assert alert_id in set(listed(config, withdrawn="only")["anomaly_id"])


@pytest.fixture
def withdrawn_alert(config):
    """The planted spike raised, acknowledged, then withdrawn (its tickets re-categorised)."""
    with writing(config.db_path, fresh=True) as con:
        insert_frame(con, planted_spike_tickets())
    detect(config)
    (alert_id,) = hourly(listed(config))["anomaly_id"]
    triage.set_status(config.triage_path, alert_id, "acknowledged", "raid", "ana")
    reclassify(config)
    detect(config)
    return config, alert_id


@pytest.mark.parametrize("search, listed_with_badge, note_links_to_withdrawn", [
    ("", False, True),                            # default view (open): hidden, a note says so
    ("?status=acknowledged", False, True),
    ("?status=withdrawn", True, False),
    ("?status=all", True, False),
])
def test_anomalies_page_marks_withdrawn_alerts(withdrawn_alert, search, listed_with_badge,
                                               note_links_to_withdrawn):
    from dashboards.app import create_app
    from dashboards.callbacks.panels import render_block
    from dashboards.state import current_state
    config, alert_id = withdrawn_alert
    app = create_app(config)
    with app.server.app_context():
        state = current_state()
        block = str(render_block(state, "anomaly-list", {"search": search}, "light"))
        counts = str(render_block(state, "anomaly-counts", {"search": ""}, "light"))
        page = str(render_block(state, "anomaly-explanation", {"search": f"?anomaly={alert_id}"}, "light"))
    assert (f"/anomalies/{alert_id}" in block) is listed_with_badge
    assert ("badge-withdrawn" in block) is listed_with_badge
    assert ("anomaly-withdrawn-link" in block) is note_links_to_withdrawn
    assert f"/anomalies/{alert_id}" not in counts                 # open-by-severity leaves it out
    assert "anomaly-withdrawn" in page and "no longer flagged with data up to" in page
    assert "anomaly-replaced-by-link" not in page                 # nothing replaced it


def test_a_replaced_alert_links_the_alert_that_replaced_it(config):
    from dashboards.app import create_app
    from dashboards.callbacks.panels import render_block
    from dashboards.state import current_state
    with writing(config.db_path, fresh=True) as con:
        insert_frame(con, without_first_hours(planted_spike_tickets()))
    detect(config)
    (old_id,) = hourly(listed(config))["anomaly_id"]
    late_first_hours(config)
    detect(config)
    (new_id,) = hourly(listed(config))["anomaly_id"]
    with create_app(config).server.app_context():
        page = str(render_block(current_state(), "anomaly-explanation", {"search": f"?anomaly={old_id}"}, "light"))
    assert "anomaly-replaced-by-link" in page and f"/anomalies/{new_id}" in page and new_id != old_id
