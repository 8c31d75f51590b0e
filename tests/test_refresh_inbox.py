"""`safetyops refresh` on an inbox of good, duplicate and broken files (in process, real DuckDB files)."""
from __future__ import annotations

import datetime as dt
import json
import shutil

import pytest

from core.config import load_config
from core.warehouse import writing
from safetyops.refresh import InputsFailed, RefreshFailed, run_refresh
from safetyops.refresh_record import read_status
from tests.refresh_fixtures import open_uncached, tickets_between, ticket_counts, write_broken, write_csv

START = dt.datetime(2026, 11, 2, tzinfo=dt.timezone.utc)


def refresh_rows(db_path):
    con = open_uncached(db_path)
    try:
        return con.execute(
            "SELECT n_files, n_files_loaded, n_files_skipped, n_files_failed, n_rows_read, n_rows_loaded, "
            "n_rows_rejected, status, error FROM refresh_runs ORDER BY refresh_run_id").fetchall()
    finally:
        con.close()


def test_good_duplicate_and_broken_files(config):
    inbox = config.inbox_dir
    write_csv(inbox / "a.csv", tickets_between(START, 7, 20))                       # 140 tickets
    write_csv(inbox / "b.csv", tickets_between(START + dt.timedelta(days=7), 7, 20, first_id=140))
    shutil.copy(inbox / "a.csv", inbox / "c_copy_of_a.csv")                          # same sha256
    write_broken(inbox / "d_broken.csv")
    (inbox / "e.csv.part").write_text("still uploading", encoding="utf-8")           # left alone
    (inbox / "~$report.xlsx").write_bytes(b"\x05Ana" + b"\x00" * 50)                  # Excel's lock file: left alone

    with pytest.raises(InputsFailed) as err:
        run_refresh(config, report=False)
    assert err.value.exit_code == 65
    summary = err.value.summary
    assert [(f.path.name, f.status) for f in summary.files] == [
        ("a.csv", "loaded"), ("b.csv", "loaded"), ("c_copy_of_a.csv", "skipped"), ("d_broken.csv", "failed")]

    assert ticket_counts(config.db_path) == (280, 280)
    day = summary.started_at.date().isoformat()
    assert sorted(p.name for p in (config.archive_dir / day).iterdir()) == ["a.csv", "b.csv", "c_copy_of_a.csv"]
    assert sorted(p.name for p in config.failed_dir.iterdir()) == ["d_broken.csv", "d_broken.csv.error.txt"]
    reason = (config.failed_dir / "d_broken.csv.error.txt").read_text(encoding="utf-8")
    assert "d_broken.csv" in reason and "cannot tell which help desk" in reason
    assert (config.failed_dir / "d_broken.csv").read_text(encoding="utf-8") == "foo,bar,baz\n1,2,3\n"
    assert sorted(p.name for p in inbox.iterdir()) == ["e.csv.part", "~$report.xlsx"]

    (row,) = refresh_rows(config.db_path)
    assert row[:8] == (4, 2, 1, 1, 280, 280, 0, "files_failed")
    assert "d_broken.csv" in row[8]
    status = read_status(config.refresh_status_path)
    assert status["status"] == "files_failed" and "d_broken.csv" in status["error"]
    assert set(status) >= {"finished_at", "status", "error"}


def test_second_refresh_is_idempotent_and_archives_redelivered_file(config):
    rows = tickets_between(START, 3, 10)
    write_csv(config.inbox_dir / "a.csv", rows)
    first = run_refresh(config, report=False)
    assert first.status == "ok"
    # the same export delivered again under the same name: skipped, archived beside the first copy
    write_csv(config.inbox_dir / "a.csv", rows)
    second = run_refresh(config, report=False)
    assert [f.status for f in second.files] == ["skipped"]
    assert ticket_counts(config.db_path) == (30, 30)
    day = second.started_at.date().isoformat()
    assert sorted(p.name for p in (config.archive_dir / day).iterdir()) == ["a-2.csv", "a.csv"]
    third = run_refresh(config, report=False)          # empty inbox: still a successful run
    assert third.counts.n_files == 0 and third.status == "ok"
    runs = refresh_rows(config.db_path)
    assert [r[7] for r in runs] == ["ok", "ok", "ok"]
    assert [r[:4] for r in runs] == [(1, 1, 0, 0), (1, 0, 1, 0), (0, 0, 0, 0)]


def test_updated_export_replaces_tickets_not_duplicates(config):
    rows = tickets_between(START, 2, 10)
    write_csv(config.inbox_dir / "day1.csv", rows)
    run_refresh(config, report=False)
    later = [dict(r, status="closed", updated_at="2026-11-20T00:00:00Z") for r in rows[:5]]
    write_csv(config.inbox_dir / "day2.csv", later)
    run_refresh(config, report=False)
    assert ticket_counts(config.db_path) == (20, 20)
    con = open_uncached(config.db_path)
    assert con.execute("SELECT count(*) FROM tickets WHERE status = 'closed'").fetchall()[0][0] == 5
    con.close()


def test_failure_before_swap_leaves_warehouse_and_inbox(config_file, tmp_path):
    """A step that fails inside the writing block: nothing swapped, inputs stay, failure recorded."""
    config = load_config(config_file)
    write_csv(config.inbox_dir / "a.csv", tickets_between(START, 2, 10))
    run_refresh(config, report=False)
    write_csv(config.inbox_dir / "b.csv", tickets_between(START, 2, 10, first_id=100))
    # An invalid detection setting makes detection raise after loading: a real configuration mistake.
    bad = config_file.read_text(encoding="utf-8") + '[detection]\ndirection = "sideways"\n'
    config_file.write_text(bad, encoding="utf-8")
    bad_config = load_config(config_file)
    with pytest.raises(RefreshFailed):
        run_refresh(bad_config, report=False)
    assert ticket_counts(config.db_path) == (20, 20)
    assert sorted(p.name for p in config.inbox_dir.iterdir()) == ["b.csv"]
    status = json.loads(config.refresh_status_path.read_text(encoding="utf-8"))
    assert status["status"] == "failed" and status["error"]
    assert [r[7] for r in refresh_rows(config.db_path)] == ["ok", "failed"]


def test_busy_warehouse_raises_at_once_and_touches_nothing(config):
    from core.warehouse import WarehouseBusy
    write_csv(config.inbox_dir / "a.csv", tickets_between(START, 1, 5))
    with writing(config.db_path):
        with pytest.raises(WarehouseBusy) as err:
            run_refresh(config, report=False)
    assert err.value.exit_code == 75
    assert [p.name for p in config.inbox_dir.iterdir()] == ["a.csv"]
    assert not config.refresh_status_path.exists()


def test_report_failure_after_swap_keeps_the_refresh_and_is_loud(config_file):
    """The report folder cannot be created (a file is in the way): the warehouse is still refreshed
    and inputs archived, but the run fails (exit 1) and the status file says why."""
    from core.config import load_config
    from safetyops.refresh import AfterSwapFailed
    text = config_file.read_text(encoding="utf-8").replace('reports = "reports"', 'reports = "blocker/reports"')
    config_file.write_text(text, encoding="utf-8")
    config = load_config(config_file)
    (config_file.parent / "blocker").write_text("not a folder", encoding="utf-8")
    write_csv(config.inbox_dir / "a.csv", tickets_between(START, 14, 5))
    with pytest.raises(AfterSwapFailed, match="weekly report") as err:
        run_refresh(config, report=True)
    assert err.value.exit_code == 1
    assert ticket_counts(config.db_path) == (70, 70)
    assert list(config.inbox_dir.iterdir()) == []
    status = read_status(config.refresh_status_path)
    assert status["status"] == "failed" and "weekly report" in status["error"]


def test_a_workbook_in_the_inbox_is_loaded_and_archived_as_delivered(config):
    from tests.refresh_fixtures import CANONICAL_HEADER
    from tests.test_workbooks import workbook
    rows = tickets_between(START, 2, 5)
    config.inbox_dir.mkdir(parents=True, exist_ok=True)
    workbook(config.inbox_dir / "weekly.xlsx", {"Tickets": [CANONICAL_HEADER, *[[r[c] for c in CANONICAL_HEADER]
                                                                                 for r in rows]]})
    summary = run_refresh(config, report=False)
    assert [(f.path.name, f.status) for f in summary.files] == [("weekly.xlsx", "loaded")]
    assert ticket_counts(config.db_path) == (10, 10)
    day = summary.started_at.date().isoformat()
    assert [p.name for p in (config.archive_dir / day).iterdir()] == ["weekly.xlsx"]
