"""`detect-csv --each-column`: a wide file (daily counts per abuse category, as a BI tool exports
them) judged one column at a time, printed with a `series` column; a column that is not numbers
is left out and named."""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from anomaly.csv_columns import detect_each_column
from anomaly.csv_series import SeriesFileError, detect_csv, render
from safetyops.cli import main

DAYS = pd.date_range("2026-01-01", periods=120, freq="D")
SPIKE = 100


@pytest.fixture
def wide_file(tmp_path):
    rng = np.random.default_rng(4)
    frame = pd.DataFrame({"date": DAYS.strftime("%Y-%m-%d"), "hateful_conduct": rng.poisson(200, len(DAYS)),
                          "spam": rng.poisson(900, len(DAYS)), "doxxing": rng.poisson(40, len(DAYS)),
                          "owner": ["ops team"] * len(DAYS)})
    frame.loc[SPIKE, "doxxing"] = 400                                  # a doxxing campaign, one day
    path = tmp_path / "by_category.csv"
    frame.to_csv(path, index=False)
    return path


def test_each_column_is_its_own_series_and_only_the_spiking_one_alerts(wide_file):
    result = detect_each_column(wide_file)
    frame = result.frame
    assert list(frame.columns[:2]) == ["series", "timestamp"]
    assert frame.groupby("series", sort=False).size().to_dict() == {"hateful_conduct": 120, "spam": 120,
                                                                    "doxxing": 120}
    alerts = frame[frame.alert_id != ""].drop_duplicates(["series", "alert_id"])
    assert list(zip(alerts.series, alerts.alert_id)) == [("doxxing", DAYS[SPIKE].strftime("%Y-%m-%d"))]
    # the same verdicts as judging the column alone
    alone = detect_csv(wide_file, value_col="doxxing").frame
    assert frame[frame.series == "doxxing"].drop(columns="series").reset_index(drop=True).equals(alone)
    assert any(n.startswith("column 'owner' left out: line 2: owner 'ops team' is not a number") for n in result.notes)


def test_the_command_prints_a_series_column_in_csv_and_json(wide_file, capsys):
    assert main(["anomaly", "detect-csv", str(wide_file), "--each-column", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == 360 and rows[0]["series"] == "hateful_conduct"
    assert render(detect_each_column(wide_file).frame, "csv").splitlines()[0].startswith("series,timestamp,value,")


def test_each_column_and_value_col_together_are_a_usage_error(wide_file, capsys):
    assert main(["anomaly", "detect-csv", str(wide_file), "--each-column", "--value-col", "spam"]) == 2
    assert "--each-column judges every column" in capsys.readouterr().err


def test_a_file_with_no_numeric_column_is_an_error(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("date,who\n2026-01-01,ana\n2026-01-02,bo\n")
    with pytest.raises(SeriesFileError, match="no column could be read as a series; column 'who' left out"):
        detect_each_column(path)
