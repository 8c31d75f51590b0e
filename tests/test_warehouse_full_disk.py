"""A write that runs out of space while copying the warehouse leaves no partial <db>.next behind
(it would keep the disk full), and the live warehouse as it was. The disk is "full" for real: the
child process may not write files larger than 256 KB (RLIMIT_FSIZE), so the copy fails with EFBIG."""
from __future__ import annotations

import subprocess
import sys
import textwrap

from core.warehouse import connect_read, next_path, prev_path, writing
from tests.conftest import REPO
from tests.ticket_factory import insert_tickets, ticket

CHILD = textwrap.dedent("""
    import resource, signal, sys
    from pathlib import Path
    from core.warehouse import writing
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)        # a failed write, not a killed process
    resource.setrlimit(resource.RLIMIT_FSIZE, (1 << 18, 1 << 18))
    try:
        with writing(Path(sys.argv[1]), keep_previous=False) as con:
            con.execute("SELECT 1")
    except OSError as exc:
        print("failed:", exc.errno)
        sys.exit(3)
""")


def test_a_copy_that_fills_the_disk_leaves_no_partial_next_file(tmp_path):
    db = tmp_path / "w.duckdb"
    with writing(db, keep_previous=False) as con:
        insert_tickets(con, [ticket(f"2026-03-01 {h:02d}:00") for h in range(24)])
    assert db.stat().st_size > 2 << 18, "the warehouse must be larger than the child's file limit"
    assert not prev_path(db).exists()                      # so the child copies the whole file
    done = subprocess.run([sys.executable, "-c", CHILD, str(db)], cwd=REPO, capture_output=True, text=True,
                          env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"}, timeout=120)
    assert done.returncode == 3, done.stdout + done.stderr
    assert "failed: 27" in done.stdout                     # EFBIG: the copy hit the limit
    assert not next_path(db).exists()
    con = connect_read(db)
    try:
        assert con.execute("SELECT count(*) FROM tickets").fetchall()[0][0] == 24
    finally:
        con.close()
