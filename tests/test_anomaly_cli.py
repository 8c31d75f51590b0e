"""`safetyops anomaly detect-csv`: every input row comes back with its verdict; errors name the line."""
from __future__ import annotations

import csv
import io
import json

import numpy as np
import pandas as pd
import pytest

from safetyops.cli import main
from tests.anomaly_fixtures import hourly_counts


def write_series(path, series: pd.Series, time_col="timestamp", value_col="value"):
    frame = pd.DataFrame({time_col: series.index.strftime("%Y-%m-%dT%H:%M:%SZ"), value_col: series.to_numpy()})
    frame.to_csv(path, index=False)


def run(capsys, *args):
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_detect_csv_round_trip_csv_and_json(tmp_path, capsys, config_file):
    series = hourly_counts(weeks=6, level=40)
    spike_at = series.index[24 * 38 + 14]
    series[spike_at] = series[spike_at] * 4
    path = tmp_path / "series.csv"
    write_series(path, series)
    code, out, err = run(capsys, "--config", str(config_file), "anomaly", "detect-csv", str(path))
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == len(series)
    assert list(rows[0]) == ["timestamp", "value", "expected", "lower", "upper", "score", "is_anomaly",
                             "alert_id", "severity"]
    assert rows[0]["timestamp"] == series.index[0].strftime("%Y-%m-%dT%H:%M:%SZ")
    assert {r["is_anomaly"] for r in rows} == {"true", "false"}
    flagged = [r["timestamp"] for r in rows if r["is_anomaly"] == "true"]
    assert spike_at.strftime("%Y-%m-%dT%H:%M:%SZ") in flagged
    assert all(0.0 <= float(r["score"]) <= 1.0 for r in rows)
    assert [float(r["value"]) for r in rows] == series.tolist()

    code, out, err = run(capsys, "--config", str(config_file), "anomaly", "detect-csv", str(path), "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert len(data) == len(series)
    assert [d["timestamp"] for d in data if d["is_anomaly"]] == flagged
    assert all(isinstance(d["is_anomaly"], bool) for d in data)


def test_detect_csv_custom_columns(tmp_path, capsys, config_file):
    path = tmp_path / "s.csv"
    write_series(path, hourly_counts(weeks=2), time_col="hour", value_col="tickets")
    code, out, err = run(capsys, "--config", str(config_file), "anomaly", "detect-csv", str(path),
                         "--time-col", "hour", "--value-col", "tickets")
    assert code == 0, err
    assert out.count("\n") == 24 * 14 + 1


@pytest.mark.parametrize("body, message", [
    ("timestamp,value\n2026-01-01 00:00,1\n2026-01-01 01:00,x\n", "line 3: value 'x' is not a number"),
    ("timestamp,value\n2026-01-01 00:00,1\nyesterday,2\n", "line 3: timestamp 'yesterday' is not a timestamp"),
    ("timestamp,value\n2026-01-01 00:00,1\n2026-01-01 00:00,2\n", "need at least 2 distinct timestamps"),
    ("timestamp,value\n2024-01-01,1\n2025-01-01,2\n2026-01-01,2\n",
     "days (yearly) apart (3.15792e+07 s); the detector judges steps of 5 minutes .. a quarter"),
    ("when,value,note\n2026-01-01 00:00,1,x\n", "no column 'timestamp'"),
])
def test_detect_csv_errors_name_file_line_and_value(tmp_path, capsys, config_file, body, message):
    path = tmp_path / "bad.csv"
    path.write_text(body, encoding="utf-8")
    code, _, err = run(capsys, "--config", str(config_file), "anomaly", "detect-csv", str(path))
    assert code == 2
    assert str(path) in err and message in err


def test_detect_csv_missing_cells_are_gaps_not_errors(tmp_path, capsys, config_file):
    series = hourly_counts(weeks=2).astype(object)
    series.iloc[100] = ""
    path = tmp_path / "gaps.csv"
    write_series(path, series)
    code, out, err = run(capsys, "--config", str(config_file), "anomaly", "detect-csv", str(path))
    assert code == 0, err
    row = list(csv.DictReader(io.StringIO(out)))[100]
    assert row["value"] == "" and row["is_anomaly"] == "false"
    assert np.isfinite(float(list(csv.DictReader(io.StringIO(out)))[101]["expected"]))
