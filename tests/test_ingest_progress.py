"""The load's progress bar moves on a terminal (the CLI run with its stderr on a real
pseudo-terminal) and is silent under --quiet, though warehouse connections turn DuckDB's
progress tracking off."""
from __future__ import annotations

import fcntl
import os
import pty
import struct
import termios
import re
import subprocess
import sys
import threading
from pathlib import Path

import duckdb
import pytest

from tests.conftest import REPO

ROWS = 600_000


def canonical_file(path: Path) -> Path:
    con = duckdb.connect()
    con.execute(f"""COPY (SELECT 'T' || i AS ticket_id, TIMESTAMPTZ '2026-03-01 00:00:00+00' + INTERVAL (i) SECOND AS created_at,
                         'open' AS status, 'web' AS channel, 'spam' AS abuse_category FROM range({ROWS}) t(i))
                    TO '{path}' (HEADER, DELIMITER ',', TIMESTAMPFORMAT '%Y-%m-%dT%H:%M:%SZ')""")
    con.close()
    return path


def run_on_terminal(args: list[str]) -> tuple[int, str]:
    """Run the CLI with stderr on a pseudo-terminal; returns (exit code, what the terminal got)."""
    master, slave = pty.openpty()
    # a terminal 100 columns wide (a new pseudo-terminal has 0, on which tqdm draws nothing)
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    out: list[bytes] = []

    def drain():
        while True:
            try:
                chunk = os.read(master, 4096)
            except OSError:
                return
            if not chunk:
                return
            out.append(chunk)
    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    env = os.environ | {"PYTHONPATH": str(REPO)}
    proc = subprocess.run([sys.executable, "-m", "safetyops.cli", *args], stderr=slave, stdout=subprocess.DEVNULL,
                          env=env, cwd=REPO, timeout=600, check=False)
    os.close(slave)
    reader.join(timeout=10)
    os.close(master)
    return proc.returncode, b"".join(out).decode("utf-8", "replace")


@pytest.mark.slow
def test_the_bar_moves_on_a_terminal_and_is_silent_when_quiet(tmp_path, config_file):
    data = canonical_file(tmp_path / "big.csv")
    code, shown = run_on_terminal(["--config", str(config_file), "ingest", str(data)])
    assert code == 0, shown[-2000:]
    percents = {int(p) for p in re.findall(r"loading big\.csv:\s+(\d+)%", shown)}
    assert any(0 < p < 100 for p in percents), shown[-2000:]
    code, shown = run_on_terminal(["--config", str(config_file), "--quiet", "ingest", "--force", str(data)])
    assert code == 0 and "%|" not in shown


@pytest.mark.slow
def test_a_file_converted_to_utf8_first_shows_the_conversion_moving(tmp_path, config_file):
    """A cp1252 file is copied to UTF-8 by Python before DuckDB reads it: that copy has its bar."""
    data = canonical_file(tmp_path / "big.csv")
    latin = tmp_path / "latin.csv"
    latin.write_bytes(data.read_bytes().replace(b"spam", b"sp\xe4m", 1))   # one cp1252 byte
    code, shown = run_on_terminal(["--config", str(config_file), "ingest", "--encoding", "cp1252", str(latin)])
    assert code == 0, shown[-2000:]
    assert re.search(r"converting latin\.csv from cp1252:\s+\d+%", shown), shown[-2000:]
    code, shown = run_on_terminal(["--config", str(config_file), "--quiet", "ingest", "--force", "--encoding", "cp1252",
                                   str(latin)])
    assert code == 0 and "converting" not in shown
