"""Where an incremental load's wall time goes, phase by phase (issue 15; benchmarks/README.md).

    .venv/bin/python benchmarks/incremental_phases.py --state W.duckdb --csv INC.csv [--with-prev] [--runs 5]
        [--tree OTHER_CHECKOUT]

Each run copies `--state` (and `<state>.prev` with --with-prev, as after an earlier incremental) to a
scratch warehouse, writes the page cache back, reads the input once, then loads the file in a child
process the way bench_ingest.py does (`writing()` + `ingest_file`, clock after the imports). The
child wraps the writer's and the loader's steps and every statement on the connection with a
timer; the medians and ranges over the runs are printed as a Markdown table. `--tree` times another
checkout's code (e.g. an export of main) with this harness.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CHILD = r'''
import json, os, sys, time
from contextlib import contextmanager
sys.path.insert(0, {tree!r})
os.environ.setdefault("SAFETYOPS_HASH_KEY", "benchmark-only-key-not-a-secret")
import duckdb
from core.config import load_config
import core.warehouse as wh
import core.warehouse_files as wf
import pipelines.ingest as ing
import pipelines.csv_dialect as cd
import pipelines.load_runs as lr

EVENTS, T0 = [], [0.0]
def rec(label, t0):
    EVENTS.append((label, t0 - T0[0], time.perf_counter() - t0))

def wrap(owner, name, label=None):
    f = getattr(owner, name)
    def timed(*a, **k):
        t0 = time.perf_counter()
        try:
            return f(*a, **k)
        finally:
            rec(label or name, t0)
    setattr(owner, name, timed)

class TimedConnection:
    def __init__(self, con): self._con = con
    def execute(self, sql, *a, **k):
        t0 = time.perf_counter(); self._con.execute(sql, *a, **k); rec("sql: " + " ".join(sql.split())[:60], t0)
        return self
    def fetchall(self): return self._con.fetchall()
    def close(self):
        t0 = time.perf_counter(); self._con.close(); rec("close", t0)
    def __getattr__(self, name): return getattr(self._con, name)

class TimedDuckdb:
    def __getattr__(self, name): return getattr(duckdb, name)
    def connect(self, *a, **k):
        t0 = time.perf_counter(); con = duckdb.connect(*a, **k); rec("duckdb.connect", t0)
        return TimedConnection(con)

wh.duckdb = TimedDuckdb()
for owner, name in [(wh, "prepare_working_copy"), (wh, "ensure_schema"), (wh, "swap_in"), (cd, "detect"),
                    (ing, "mapping_for"), (ing, "_read"), (ing, "find_contested_keys"), (ing, "record_load_run")]:
    wrap(owner, name)
if hasattr(wf, "EarlyFlush"):
    wrap(wf.EarlyFlush, "wait", "flush wait")
registered = ing.sql_functions.registered
@contextmanager
def timed_registered(*a, **k):
    t0 = time.perf_counter()
    with registered(*a, **k):
        rec("hash functions registered", t0)
        yield
ing.sql_functions = type("TimedFunctions", (), {{"registered": staticmethod(timed_registered)}})
sha256 = lr.file_sha256
def timed_sha256(*a, **k):
    t0 = time.perf_counter()
    try:
        return sha256(*a, **k)
    finally:
        rec("sha256", t0)
ing.file_sha256 = timed_sha256

T0[0] = time.perf_counter()
config = load_config(None, {db!r})
with wh.writing(config.db_path) as con:
    result = ing.ingest_file(con, {csv!r}, config, timezone_name="UTC", force=True)
total = time.perf_counter() - T0[0]
print(json.dumps({{"total": total, "rows_updated": result.rows_updated,
                  "rows_inserted": result.rows_inserted, "pandas_imported": "pandas" in sys.modules,
                  "events": EVENTS}}))
'''

# (row of the table, labels of the events it sums; "#n" picks the n-th event of that label)
PHASES = [
    ("working copy (whole copy, or reuse of .prev)", ["prepare_working_copy"]),
    ("duckdb.connect", ["duckdb.connect"]),
    ("ensure_schema", ["ensure_schema"]),
    ("dialect and encoding sniff", ["detect"]),
    ("mapping", ["mapping_for"]),
    ("hash functions registered", ["hash functions registered"]),
    ("CSV view", ["_read"]),
    ("normalising INSERT (reads the CSV)", ["sql: INSERT INTO tickets BY NAME"]),
    ("first COMMIT (compresses the new rows)", ["sql: COMMIT#1"]),
    ("repeated keys in the file (find_contested_keys)", ["find_contested_keys"]),
    ("stored versions ranked (scan of the 10M)", ["sql: CREATE OR REPLACE TEMP TABLE ingest_versions"]),
    ("replaced versions deleted", ["sql: DELETE FROM tickets WHERE rowid IN"]),
    ("load notes, load_runs row", ["sql: INSERT INTO load_notes", "record_load_run"]),
    ("second COMMIT", ["sql: COMMIT#2"]),
    ("CHECKPOINT", ["sql: CHECKPOINT"]),
    ("waiting for the early flush", ["flush wait"]),
    ("close", ["close"]),
    ("swap (fsync, link, rename)", ["swap_in"]),
]


def fresh_scratch(state: Path, with_prev: bool, scratch: Path) -> None:
    """`scratch` a copy of the warehouse `state` (and of its `.prev` when `with_prev`), on disk."""
    for suffix in ("", ".prev", ".next", ".next.wal", ".wal"):
        Path(str(scratch) + suffix).unlink(missing_ok=True)
    shutil.copyfile(state, scratch)
    if with_prev:
        shutil.copyfile(str(state) + ".prev", str(scratch) + ".prev")
    os.sync()


def run_once(tree: Path, state: Path, with_prev: bool, csv: Path, scratch: Path) -> dict:
    fresh_scratch(state, with_prev, scratch)
    csv.read_bytes()
    code = CHILD.format(tree=str(tree), db=str(scratch), csv=str(csv))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tree, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def phase_times(run: dict) -> dict[str, float]:
    seen: dict[str, int] = {}
    events = []
    for label, _, seconds in sorted(run["events"], key=lambda e: e[1]):
        if label == "sql: COMMIT":
            seen[label] = seen.get(label, 0) + 1
            label = f"{label}#{seen[label]}"
        events.append((label, seconds))
    times = {name: sum(s for label, s in events if any(label.startswith(k) for k in keys)) for name, keys in PHASES}
    times["rest (small statements, Python)"] = run["total"] - sum(times.values())
    times["total"] = run["total"]
    times["(sha256 on its own thread, overlapped)"] = sum(s for label, s in events if label == "sha256")
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--state", type=Path, required=True, help="the warehouse to start each run from")
    parser.add_argument("--csv", type=Path, required=True, help="the incremental file")
    parser.add_argument("--with-prev", action="store_true", help="copy <state>.prev too (a later load)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--tree", type=Path, default=ROOT, help="the checkout whose code loads")
    parser.add_argument("--scratch", type=Path, default=ROOT / "benchmarks" / "_work" / "phases.duckdb")
    args = parser.parse_args()
    runs = [run_once(args.tree.resolve(), args.state, args.with_prev, args.csv, args.scratch) for _ in range(args.runs)]
    per_phase = [phase_times(r) for r in runs]
    print(f"{args.tree}: {len(runs)} runs, load average {os.getloadavg()[0]:.2f}, pandas imported: "
          f"{sorted({r['pandas_imported'] for r in runs})}")
    print("| phase | median s | range |\n|---|---|---|")
    for name in per_phase[0]:
        values = sorted(p[name] for p in per_phase)
        print(f"| {name} | {statistics.median(values):.3f} | {values[0]:.3f}-{values[-1]:.3f} |")


if __name__ == "__main__":
    main()
