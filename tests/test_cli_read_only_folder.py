"""On a warehouse folder nobody may write, commands that write say so in one line (exit 1, the
folder named, nothing changed) instead of a traceback, and reads still work.

The tests run as root, which writes anywhere; each command runs without the capabilities that
let root ignore file permissions (setpriv), so a 0555 folder is read-only for it, as for a user."""
from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys

import pytest

from core.config import load_config
from safetyops.cli import main
from tests.conftest import REPO
from core.warehouse import writing
from tests.anomaly_fixtures import insert_frame, planted_spike_tickets
from tests.refresh_fixtures import tickets_between, write_csv

SETPRIV = shutil.which("setpriv")
DROP = ["--inh-caps=-dac_override,-dac_read_search", "--bounding-set=-dac_override,-dac_read_search"]
pytestmark = pytest.mark.skipif(SETPRIV is None or os.geteuid() != 0,
                                reason="needs root and setpriv to make a folder read-only for a child")


@pytest.fixture(scope="module")
def read_only(tmp_path_factory):
    root = tmp_path_factory.mktemp("ro")
    os.chmod(root, 0o755)
    folder = root / "wh"
    folder.mkdir()
    cfg_path = root / "safetyops.toml"
    cfg_path.write_text(f'[warehouse]\npath = "{folder}/wh.duckdb"\n[reporting]\ntimezone = "UTC"\n'
                        '[privacy]\nhash_key = "k"\n', encoding="utf-8")
    export = write_csv(root / "a.csv", tickets_between(dt.datetime(2026, 4, 20, tzinfo=dt.timezone.utc), 2, 5))
    with writing(folder / "wh.duckdb", fresh=True) as con:
        insert_frame(con, planted_spike_tickets())       # a spike, so there is an alert to triage
    assert main(["--config", str(cfg_path), "-q", "detect"]) == 0
    os.chmod(folder, 0o555)
    yield load_config(cfg_path), export
    os.chmod(folder, 0o755)


def without_root_powers(config, *args) -> subprocess.CompletedProcess:
    return subprocess.run([SETPRIV, *DROP, sys.executable, "-m", "safetyops.cli", "--config", str(config.path),
                           *args], cwd=REPO, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PYTHONPATH": str(REPO)})


@pytest.mark.parametrize("args", [("ingest", "{export}"), ("detect",), ("metrics", "build-marts"),
                                  ("anomalies", "set", "{alert}", "--status", "resolved"),
                                  ("annotate", "add", "--start", "2026-03-10", "--label", "x", "--kind", "other")])
def test_a_write_in_a_read_only_folder_is_one_clear_line(read_only, args):
    config, export = read_only
    listed = without_root_powers(config, "anomalies", "list", "--format", "csv", "--withdrawn", "include")
    assert listed.returncode == 0, listed.stderr            # reading needs no write access
    alert = listed.stdout.splitlines()[1].split(",")[0]
    before = sorted(os.listdir(config.db_path.parent))
    done = without_root_powers(config, *(a.format(export=export, alert=alert) for a in args))
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    (line,) = done.stderr.strip().splitlines()
    assert line.startswith("error: ") and str(config.db_path.parent) in line and "Nothing was changed" in line
    assert sorted(os.listdir(config.db_path.parent)) == before
