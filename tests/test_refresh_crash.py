"""The cron guarantees, with real processes: a lock, SIGKILL at any step, readers never failing.

Uses the documented test hook SAFETYOPS_TEST_PAUSE_AT=<step> (safetyops/refresh.py): the job
sleeps at that step, the test SIGKILLs it there, then a clean refresh must complete with every
ticket counted exactly once.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path
import os
import shutil
import signal
import subprocess
import threading

import pytest

from core.warehouse import connect_read, next_path
from safetyops.pause_points import PAUSE_STEPS
from tests.refresh_fixtures import (REPO, run_cli, safetyops_cmd, ticket_counts, tickets_between,
                                    write_broken, write_csv)

pytestmark = pytest.mark.slow
START = dt.datetime(2026, 11, 2, tzinfo=dt.timezone.utc)
PRE_SWAP = PAUSE_STEPS[:PAUSE_STEPS.index("swapped")]


def start_paused(config_file, step: str, seconds: float = 300, release: Path | None = None) -> subprocess.Popen:
    """A refresh subprocess that has reached `step` and is sleeping there (until `release` exists)."""
    env = {**os.environ, "SAFETYOPS_TEST_PAUSE_AT": step, "SAFETYOPS_TEST_PAUSE_SECONDS": str(seconds)}
    if release is not None:
        env["SAFETYOPS_TEST_PAUSE_RELEASE"] = str(release)
    proc = subprocess.Popen(safetyops_cmd(config_file, "refresh", "--no-report", "--quiet"), cwd=REPO,
                            env=env, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    seen = []
    for line in proc.stderr:
        seen.append(line)
        if f"test hook: pausing at {step}" in line:
            return proc
    proc.wait()
    raise AssertionError(f"refresh exited (rc {proc.returncode}) before step {step}:\n{''.join(seen)}")


def fill_inbox(config, first_id: int) -> None:
    write_csv(config.inbox_dir / f"new_{first_id}.csv", tickets_between(START, 4, 15, first_id=first_id))
    shutil.copy(config.archive_dir.glob("*/base.csv").__next__(), config.inbox_dir / "dup_of_base.csv")
    write_broken(config.inbox_dir / f"broken_{first_id}.csv")


@pytest.fixture
def loaded(config, config_file):
    """A warehouse holding base.csv (60 tickets), loaded by a real refresh."""
    write_csv(config.inbox_dir / "base.csv", tickets_between(START, 4, 15))
    done = run_cli(config_file, "refresh", "--no-report", "--quiet")
    assert done.returncode == 0, done.stderr
    assert ticket_counts(config.db_path) == (60, 60)
    return config


@pytest.mark.parametrize("step", PAUSE_STEPS)
def test_sigkill_at_step_then_clean_refresh(loaded, config_file, step):
    config = loaded
    fill_inbox(config, first_id=1000)
    inbox_before = sorted(p.name for p in config.inbox_dir.iterdir())
    proc = start_paused(config_file, step)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    proc.stderr.close()

    if step in PRE_SWAP:
        assert ticket_counts(config.db_path) == (60, 60), "live warehouse changed by a killed run"
        assert sorted(p.name for p in config.inbox_dir.iterdir()) == inbox_before
    else:
        assert ticket_counts(config.db_path) == (120, 120)

    # the killed run's flock died with it: the next refresh takes the lock and completes
    again = run_cli(config_file, "refresh", "--no-report", "--quiet")
    assert again.returncode in (0, 65), again.stderr
    assert ticket_counts(config.db_path) == (120, 120)
    assert list(config.inbox_dir.iterdir()) == []
    assert not next_path(config.db_path).exists()
    archived = sorted(p.name for p in config.archive_dir.glob("*/*"))
    assert archived == ["base.csv", "dup_of_base.csv", "new_1000.csv"]
    failed = sorted(p.name for p in config.failed_dir.iterdir())
    assert failed == ["broken_1000.csv", "broken_1000.csv.error.txt"]


def test_second_refresh_exits_75_while_one_runs(loaded, config_file):
    config = loaded
    fill_inbox(config, first_id=2000)
    release = config.db_path.parent / "release-first"
    first = start_paused(config_file, "loaded", seconds=300, release=release)
    second = run_cli(config_file, "refresh", "--no-report", "--quiet")
    release.touch()
    assert second.returncode == 75
    assert "another safetyops process is writing" in second.stderr
    assert "exiting without doing anything" in second.stderr
    first.stderr.read()
    assert first.wait(timeout=120) == 65          # finishes normally; 65 = the broken file went to failed/
    first.stderr.close()
    assert ticket_counts(config.db_path) == (120, 120)


def _reader_loop(read_count, stop: threading.Event, seen: list[int], failures: list[str]) -> None:
    while not stop.is_set():
        try:
            seen.append(read_count())
        except Exception as exc:  # noqa: BLE001 - every failure is the finding
            failures.append(f"{type(exc).__name__}: {exc}")


def _fresh_read(db_path):
    def read_count():
        con = connect_read(db_path)
        try:
            return con.execute("SELECT count(*) FROM tickets").fetchall()[0][0]
        finally:
            con.close()
    return read_count


def _shared_read(connections):
    def read_count():
        with connections.cursor() as cur:
            return cur.execute("SELECT count(*) FROM tickets").fetchall()[0][0]
    return read_count


def _refresh_while_reading(config, config_file, readers) -> dict[int, list[int]]:
    """Three refreshes (20 tickets each) while each reader function loops in its own thread."""
    stop = threading.Event()
    failures: list[str] = []
    seen: dict[int, list[int]] = {i: [] for i in range(len(readers))}
    threads = [threading.Thread(target=_reader_loop, args=(r, stop, seen[i], failures))
               for i, r in enumerate(readers)]
    for t in threads:
        t.start()
    try:
        for k in range(3):
            write_csv(config.inbox_dir / f"batch_{k}.csv", tickets_between(START, 2, 10, first_id=5000 + 100 * k))
            done = run_cli(config_file, "refresh", "--no-report", "--quiet")
            assert done.returncode == 0, done.stderr
        assert ticket_counts(config.db_path) == (120, 120)
        before = [len(v) for v in seen.values()]
        while any(len(v) < b + 3 for v, b in zip(seen.values(), before)) and not failures:
            stop.wait(0.05)     # each reader has read a few times after the last swap
    finally:
        stop.set()
        for t in threads:
            t.join()
    assert failures == []
    return seen


def test_fresh_readers_never_fail_during_refreshes(loaded, config_file):
    """A dashboard-like reader opening connect_read per request, in a loop, across three swaps."""
    seen = _refresh_while_reading(loaded, config_file, [_fresh_read(loaded.db_path)])
    counts = seen[0]
    assert counts == sorted(counts), "reader went back in time"
    assert set(counts) <= {60, 80, 100, 120}
    assert counts[-1] == 120, "reader did not see the new data without restart"


def test_dashboard_connections_never_fail_during_refreshes(loaded, config_file):
    """The dashboards' shared read connection (follows swaps by file version), two request threads."""
    from dashboards.connection import WarehouseConnections
    shared = WarehouseConnections(loaded.db_path)
    try:
        seen = _refresh_while_reading(loaded, config_file, [_shared_read(shared), _shared_read(shared)])
    finally:
        shared.close()
    for counts in seen.values():
        assert counts and set(counts) <= {60, 80, 100, 120}


def test_connect_read_sees_swapped_file_while_an_old_connection_is_open(loaded, config_file):
    old = connect_read(loaded.db_path)
    try:
        write_csv(loaded.inbox_dir / "more.csv", tickets_between(START, 2, 10, first_id=9000))
        assert run_cli(config_file, "refresh", "--no-report", "--quiet").returncode == 0
        new = connect_read(loaded.db_path)
        try:
            assert new.execute("SELECT count(*) FROM tickets").fetchall()[0][0] == 80
        finally:
            new.close()
    finally:
        old.close()
