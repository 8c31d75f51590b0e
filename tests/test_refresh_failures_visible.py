"""Refresh failures that used to look like success: a missing inbox, a config mistake, a status
file that cannot be written. Each must end non-zero with a failed (or no) status, never "ok"."""
from __future__ import annotations

import datetime as dt
import os

import pytest

from core.config import load_config
from safetyops.refresh import AfterSwapFailed, RefreshMisconfigured, run_refresh
from safetyops.refresh_record import read_status
from tests.refresh_fixtures import run_cli, tickets_between, write_csv

START = dt.datetime(2026, 11, 2, tzinfo=dt.timezone.utc)


def test_a_configured_inbox_that_does_not_exist_fails_with_exit_2(config_file):
    config = load_config(config_file)
    assert not config.inbox_dir.exists()
    done = run_cli(config_file, "refresh", "--no-report")
    assert done.returncode == 2, done.stderr
    assert f"inbox folder {config.inbox_dir} does not exist" in done.stderr
    assert "Traceback" not in done.stderr
    status = read_status(config.refresh_status_path)
    assert status["status"] == "failed" and "does not exist" in status["error"]
    assert not config.db_path.exists()          # refused before any work: no empty warehouse made


def test_a_config_mistake_found_by_detection_exits_2_before_loading(config_file):
    config = load_config(config_file)
    write_csv(config.inbox_dir / "a.csv", tickets_between(START, 2, 5))
    config_file.write_text(config_file.read_text(encoding="utf-8") + '[detection]\nalpha = "often"\n',
                           encoding="utf-8")
    done = run_cli(config_file, "refresh", "--no-report")
    assert done.returncode == 2, done.stderr
    assert "alpha" in done.stderr and "Traceback" not in done.stderr
    assert [p.name for p in config.inbox_dir.iterdir()] == ["a.csv"]
    with pytest.raises(RefreshMisconfigured):
        run_refresh(load_config(config_file), report=False)


def test_a_status_file_that_cannot_be_written_fails_the_run_and_drops_the_stale_ok(config):
    write_csv(config.inbox_dir / "a.csv", tickets_between(START, 2, 5))
    assert run_refresh(config, report=False).status == "ok"
    assert read_status(config.refresh_status_path)["status"] == "ok"
    # the status file is written through a temporary beside it: make that write fail
    blocker = config.refresh_status_path.with_name(f".{config.refresh_status_path.name}.{os.getpid()}.tmp")
    blocker.mkdir()
    write_csv(config.inbox_dir / "b.csv", tickets_between(START, 2, 5, first_id=100))
    with pytest.raises(AfterSwapFailed, match="status file") as err:
        run_refresh(config, report=False)
    assert err.value.exit_code == 1
    assert read_status(config.refresh_status_path) is None     # no banner left on the last "ok"


def test_a_file_whose_every_row_is_rejected_fails_the_run_and_goes_to_failed(config_file):
    config = load_config(config_file)
    rows = tickets_between(START, 2, 5)
    for row in rows:
        row["created_at"] = "15/13/2026 25:61"          # no row has a date the loader can read
    write_csv(config.inbox_dir / "bad_dates.csv", rows)
    write_csv(config.inbox_dir / "good.csv", tickets_between(START, 2, 5, first_id=100))
    done = run_cli(config_file, "refresh", "--no-report")
    assert done.returncode == 65, done.stderr             # some input failed; the others loaded
    assert "bad_dates.csv: not loaded: every row (10) was rejected" in done.stderr
    error_file = config.failed_dir / "bad_dates.csv.error.txt"
    assert error_file.exists() and "every row (10) was rejected" in error_file.read_text(encoding="utf-8")
    assert (config.failed_dir / "bad_dates.csv").exists()
    status = read_status(config.refresh_status_path)
    assert status["status"] != "ok"
