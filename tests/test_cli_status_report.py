"""`status` fits a terminal; `report weekly` refuses a week without data; detect-csv on a folder is a
usage error; `detect` and `report` show that they are working on a terminal, and stay quiet with -q."""
from __future__ import annotations

import datetime as dt
import os
import pty
import re
import subprocess
import sys

import pytest

from core.config import load_config
from safetyops.cli import main
from tests.conftest import REPO
from tests.refresh_fixtures import tickets_between, write_csv

START = dt.datetime(2026, 11, 2, tzinfo=dt.timezone.utc)


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    root = tmp_path_factory.mktemp("status")
    path = root / "safetyops.toml"
    path.write_text('[warehouse]\npath = "wh.duckdb"\n[reporting]\ntimezone = "UTC"\n[privacy]\nhash_key = "k"\n',
                    encoding="utf-8")
    rows = tickets_between(START, 21, 20)
    rows[3]["status"] = "verloren"                       # one rejected row, with its reason
    export = write_csv(root / "a_rather_long_export_file_name_from_the_help_desk_2026-11.csv", rows)
    assert main(["--config", str(path), "-q", "ingest", str(export)]) == 0
    return load_config(path)


def test_status_fits_a_terminal_and_shows_times_to_the_minute(loaded, capsys):
    assert main(["--config", str(loaded.path), "status"]) == 0
    out = capsys.readouterr().out
    assert max(len(line) for line in out.splitlines()) <= 100
    assert not re.search(r"\d\d:\d\d:\d\d\.\d", out)          # no microseconds
    assert "+00:00" not in out
    assert re.search(r"data as of 2026-11-\d\d \d\d:\d\d UTC", out)
    assert "unknown status" in out and "verloren" in out


def test_report_for_a_week_without_data_is_refused_and_writes_nothing(loaded, capsys, tmp_path):
    out_file = tmp_path / "r.html"
    assert main(["--config", str(loaded.path), "-q", "report", "weekly", "--week", "2025-W02",
                 "--out", str(out_file)]) == 2
    err = capsys.readouterr().err
    assert "no tickets in 2025-W02 (2025-01-06 to 2025-01-12)" in err and "2026-11-02" in err
    assert not out_file.exists()


def test_detect_csv_on_a_folder_is_a_usage_error(loaded, capsys, tmp_path):
    code = main(["--config", str(loaded.path), "anomaly", "detect-csv", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 2 and "is a directory" in err and "Traceback" not in err


def on_terminal(config_file, *args) -> str:
    """Run the CLI with stdout and stderr on a pseudo-terminal; everything it wrote there."""
    master, slave = pty.openpty()
    env = {**os.environ, "PYTHONPATH": str(REPO), "COLUMNS": "120"}
    proc = subprocess.Popen([sys.executable, "-m", "safetyops.cli", "--config", str(config_file), *args],
                            stdin=subprocess.DEVNULL, stdout=slave, stderr=slave, env=env, cwd=REPO)
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:        # the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    assert proc.wait(timeout=300) == 0, b"".join(chunks).decode(errors="replace")
    return b"".join(chunks).decode(errors="replace")


def test_detect_and_report_show_progress_on_a_terminal_and_not_with_quiet(loaded, tmp_path):
    shown = on_terminal(loaded.path, "detect")
    assert re.search(r"scanning series: done in \d+\.\d s", shown)
    quiet = on_terminal(loaded.path, "-q", "detect")
    assert "scanning series" not in quiet
    shown = on_terminal(loaded.path, "report", "weekly", "--out", str(tmp_path / "r.html"))
    assert re.search(r"building weekly report 2026-W4\d: done in", shown)
    quiet = on_terminal(loaded.path, "-q", "report", "weekly", "--out", str(tmp_path / "q.html"))
    assert "building weekly report" not in quiet and (tmp_path / "q.html").exists()
