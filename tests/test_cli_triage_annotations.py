"""Writes through the CLI validate their input and can be undone; JSON output is valid JSON.
Real DuckDB warehouse, real SQLite triage store, the real command line (in process)."""
from __future__ import annotations

import json

import pytest

from anomaly import triage
from anomaly.warehouse_detection import mark_reported, run_detection
from core.warehouse import writing
from safetyops.cli import main
from tests.anomaly_fixtures import insert_frame, planted_spike_tickets


@pytest.fixture(scope="module")
def detected(tmp_path_factory):
    from core.config import load_config
    root = tmp_path_factory.mktemp("triage_cli")
    path = root / "safetyops.toml"
    path.write_text('[warehouse]\npath = "wh.duckdb"\n[reporting]\ntimezone = "UTC"\n'
                    '[privacy]\nhash_key = "k"\n', encoding="utf-8")
    config = load_config(path)
    with writing(config.db_path, fresh=True) as con:
        insert_frame(con, planted_spike_tickets())
    with writing(config.db_path) as con:
        summary = run_detection(con, config)
    mark_reported(config, summary.new_ids)
    return config


def run(capsys, config, *args):
    code = main(["--config", str(config.path), *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def strict_json(text: str):
    """json.loads that refuses NaN/Infinity (Python's default accepts them; other parsers do not)."""
    def refuse(token):
        raise ValueError(f"not JSON: {token}")
    return json.loads(text, parse_constant=refuse)


def test_setting_an_unknown_alert_is_refused_and_stores_nothing(detected, capsys):
    code, _, err = run(capsys, detected, "anomalies", "set", "0123456789abcdef", "--status", "resolved")
    assert code == 2
    assert "no alert with id '0123456789abcdef'" in err
    assert triage.state_of(detected.triage_path, "0123456789abcdef")["status"] == "new"
    assert triage.history(detected.triage_path, "0123456789abcdef") == []


def test_notes_and_names_are_bounded(detected, capsys):
    code, out, _ = run(capsys, detected, "anomalies", "list", "--format", "json")
    first = strict_json(out)[0]["anomaly_id"]
    code, _, err = run(capsys, detected, "anomalies", "set", first, "--status", "acknowledged",
                       "--note", "x" * (triage.MAX_NOTE + 1))
    assert code == 2 and "note is 2,001 characters long" in err
    code, _, err = run(capsys, detected, "anomalies", "set", first, "--status", "acknowledged",
                       "--who", "w" * (triage.MAX_WHO + 1))
    assert code == 2 and "who is" in err
    code, out, err = run(capsys, detected, "anomalies", "set", first, "--status", "acknowledged", "--note", "ok")
    assert code == 0, err
    assert triage.state_of(detected.triage_path, first)["note"] == "ok"


def test_anomalies_list_json_is_valid_json_with_nulls(detected, capsys):
    code, out, err = run(capsys, detected, "anomalies", "list", "--format", "json", "--withdrawn", "include")
    assert code == 0, err
    rows = strict_json(out)
    assert rows and "NaT" not in out and "NaN" not in out
    assert all(r["withdrawn_at"] is None or isinstance(r["withdrawn_at"], str) for r in rows)
    assert any(r["withdrawn_at"] is None for r in rows)


def test_annotate_refuses_unknown_category_region_and_backwards_range(detected, capsys):
    base = ["annotate", "add", "--start", "2026-04-08", "--label", "outage", "--kind", "incident"]
    code, _, err = run(capsys, detected, *base, "--category", "spma")
    assert code == 2 and "unknown abuse_category 'spma'" in err and "spam" in err
    code, _, err = run(capsys, detected, *base, "--region", "XX")
    assert code == 2 and "unknown region 'XX'" in err and "BR" in err
    code, _, err = run(capsys, detected, *base, "--end", "2026-04-07")
    assert code == 2 and "is not after start" in err
    assert triage.list_annotations(detected.triage_path) == []


def test_annotate_end_date_means_through_that_day_and_delete_undoes(detected, capsys):
    code, out, err = run(capsys, detected, "annotate", "add", "--start", "2026-04-08", "--end", "2026-04-10",
                         "--label", "launch week", "--kind", "launch", "--region", "BR")
    assert code == 0, err
    code, out, err = run(capsys, detected, "annotate", "list", "--format", "json")
    (stored,) = strict_json(out)
    assert (stored["start_at"], stored["end_at"]) == ("2026-04-08T00:00:00", "2026-04-11T00:00:00")
    assert stored["abuse_category"] is None            # null, not NaN
    code, out, err = run(capsys, detected, "annotate", "delete", str(stored["annotation_id"]))
    assert code == 0 and "deleted" in out
    assert triage.list_annotations(detected.triage_path) == []
    code, _, err = run(capsys, detected, "annotate", "delete", str(stored["annotation_id"]))
    assert code == 2 and f"no annotation {stored['annotation_id']}" in err


def test_a_timestamp_end_stays_exclusive():
    from anomaly.calendar import make_event
    ev = make_event({"start": "2026-04-08T10:00:00Z", "end": "2026-04-08T18:00:00Z", "label": "x"}, "t")
    assert (ev.end - ev.start).total_seconds() == 8 * 3600
