"""Ingest benchmark: our loader vs plain DuckDB and pandas on the same files, in the same run.

    .venv/bin/python benchmarks/bench_ingest.py --rows 1000000
    .venv/bin/python benchmarks/bench_ingest.py --rows 10000000 --skip-pandas

For each format (canonical CSV, Zendesk CSV) it measures, each case in a fresh subprocess so
peak RSS belongs to that case alone:
  safetyops   `ingest_file` into a new warehouse, through the swap-in writer (copy + rename)
  duckdb      CREATE TABLE t AS SELECT * FROM read_csv(file)          (no validation at all)
  pandas      read_csv + the normalisation an analyst would write (to_datetime, maps, checks)
and the incremental case: 100k-row files (half updates, half new tickets) into the warehouse
that holds the full file, against the full load's time. Three in a row: the first after the full
load copies the whole warehouse file; the later ones find the file the previous write replaced
and rewrite only its changed blocks (core/warehouse_files.py), as every load after the
first does in use.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "benchmarks" / "_work"

# Each case restarts the clock after its imports: the figures are the load's own time, so the
# incremental case is not dominated by the interpreter starting up.
CHILD_PRELUDE = """
import json, sys, time
sys.path.insert(0, {root!r})
"""
CHILD_EPILOGUE = """
seconds = time.perf_counter() - t0
# VmHWM, not ru_maxrss: Linux carries ru_maxrss across fork+exec, so it would include the parent's peak.
hwm_kb = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print(json.dumps({"seconds": seconds, "peak_rss_mb": hwm_kb / 1024}))
"""

SAFETYOPS_CASE = """
import os
from core.config import load_config
from pipelines.ingest import ingest_file
from core.warehouse import writing
import logging
working_copy = []
class KeepHow(logging.Handler):
    def emit(self, record):
        working_copy.append(record.getMessage().split(": ", 1)[1].split(",")[0])
logging.getLogger("core.warehouse_files").addHandler(KeepHow())
logging.getLogger("core.warehouse_files").setLevel(logging.INFO)
os.environ.setdefault("SAFETYOPS_HASH_KEY", "benchmark-only-key-not-a-secret")   # the dev key is refused
t0 = time.perf_counter()
config = load_config(None, {db!r})
with writing(config.db_path, fresh={fresh}) as con:
    result = ingest_file(con, {path!r}, config, timezone_name="UTC", force=True)
assert result.rows_read == result.rows_loaded + result.rows_rejected
print(json.dumps({{"rows_read": result.rows_read, "rows_rejected": result.rows_rejected,
                  "rows_updated": result.rows_updated, "rows_inserted": result.rows_inserted,
                  "working_copy": working_copy[0] if working_copy else "new file"}}), file=sys.stderr)
"""

DUCKDB_CASE = """
import duckdb
t0 = time.perf_counter()
con = duckdb.connect({db!r})
con.execute("CREATE OR REPLACE TABLE t AS SELECT * FROM read_csv(?)", [{path!r}])
con.close()
"""

PANDAS_CASES = {
    "canonical": """
import pandas as pd
t0 = time.perf_counter()
df = pd.read_csv({path!r}, dtype=str, keep_default_na=False)
for col in ["created_at", "updated_at", "first_response_at", "resolved_at"]:
    df[col] = pd.to_datetime(df[col].replace("", None), utc=True, errors="coerce", format="ISO8601")
for col in ["escalated", "high_profile"]:
    df[col] = df[col].str.lower().map({{"true": True, "false": False}})
df["reopen_count"] = pd.to_numeric(df["reopen_count"], errors="coerce")
df["qa_score"] = pd.to_numeric(df["qa_score"], errors="coerce")
df["csat"] = pd.to_numeric(df["csat"], errors="coerce")
df["tags"] = df["tags"].str.split("|")
bad = df["created_at"].isna() | (df["resolved_at"] < df["created_at"]) | (df["reopen_count"] < 0)
df = df[~bad].sort_values("updated_at").drop_duplicates(["ticket_id"], keep="last")
df.to_parquet({out!r})
""",
    "zendesk": """
import pandas as pd
t0 = time.perf_counter()
df = pd.read_csv({path!r}, dtype=str, keep_default_na=False)
ts = lambda s: pd.to_datetime(s.replace("", None), format="%Y-%m-%d %H:%M:%S", errors="coerce").dt.tz_localize("UTC")
df["created_at"] = ts(df["Created at"]); df["updated_at"] = ts(df["Updated at"]); df["resolved_at"] = ts(df["Solved at"])
df.loc[df["resolved_at"] < pd.Timestamp("1970-01-01", tz="UTC"), "resolved_at"] = pd.NaT
df["first_response_at"] = df["created_at"] + pd.to_timedelta(pd.to_numeric(df["First reply time in minutes"], errors="coerce"), unit="m")
df["status"] = df["Status"].str.lower().replace({{"hold": "on_hold"}})
df["priority"] = df["Priority"].str.lower().replace({{"": "normal"}})
df["abuse_category"] = df["Abuse category [list]"].str.lower().str.replace(" ", "_").str.replace("-", "_")
df["escalated"] = df["Tags"].str.split(" ").apply(lambda t: "escalated" in t)
df["high_profile"] = df["High profile [flag]"].eq("Yes")
df["csat"] = pd.to_numeric(df["Satisfaction Score"], errors="coerce")
df["reopen_count"] = pd.to_numeric(df["Reopens"], errors="coerce")
bad = df["created_at"].isna() | (df["resolved_at"] < df["created_at"]) | (df["reopen_count"] < 0)
df = df[~bad].sort_values("updated_at").drop_duplicates(["Id"], keep="last")
df[["Id", "created_at", "updated_at", "first_response_at", "resolved_at", "status", "priority", "abuse_category",
    "escalated", "high_profile", "csat", "reopen_count"]].to_parquet({out!r})
""",
}

N_INCREMENTAL_FILES = 3
# The k-th file: 50k tickets of the full file updated 30·k days later, and 50k new ones.
INCREMENTAL_FILE_SQL = """
COPY (
    WITH picked AS (SELECT * FROM read_csv($src, all_varchar = true) USING SAMPLE 50000 ROWS (reservoir, {seed})),
    updates AS (
        SELECT * REPLACE (strftime(CAST(updated_at AS TIMESTAMPTZ) + INTERVAL ({k} * 30) DAY, '%Y-%m-%dT%H:%M:%SZ') AS updated_at)
        FROM picked
    ),
    new_ones AS (SELECT * REPLACE ('INC{k}-' || ticket_id AS ticket_id) FROM picked)
    SELECT * FROM updates UNION ALL SELECT * FROM new_ones
) TO '{out}' (HEADER, DELIMITER ',')
"""


def run_child(body: str, reads: Path | None = None) -> dict:
    code = CHILD_PRELUDE.format(root=str(ROOT)) + body + CHILD_EPILOGUE
    # Each case starts with the page cache written back, so that none pays for the disk writes
    # of the case before it (the plain load's database file, the incremental input just written),
    # and with its input file read once, so that none pays for reading it from disk (the first
    # case on a file used to: like with like, warm with warm).
    os.sync()
    if reads is not None:
        warm_page_cache(reads)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr[-4000:])
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    if proc.stderr.strip().startswith("{"):
        result.update(json.loads(proc.stderr.strip().splitlines()[-1]))
    return result


def warm_page_cache(path: Path) -> None:
    with open(path, "rb") as fh:
        while fh.read(1 << 24):
            pass


def make_inputs(rows: int) -> dict[str, Path]:
    from sample_data.generator import generate_export
    from sample_data.plan import SampleOptions
    days = 365
    folder = WORK / f"exports_{rows}"
    files = {"canonical": folder / "tickets_canonical.csv", "zendesk": folder / "tickets_zendesk.csv"}
    if not all(f.exists() for f in files.values()):
        t0 = time.perf_counter()
        generate_export(folder, SampleOptions(days=days, per_day=max(1, rows // days), seed=7,
                                              formats=("canonical", "zendesk"), export_timezone="UTC"))
        print(f"generated {rows:,} tickets in {time.perf_counter() - t0:.1f} s", flush=True)
    return files


def bench(rows: int, skip_pandas: bool) -> dict:
    import duckdb
    files = make_inputs(rows)
    out: dict = {"rows_requested": rows, "python": platform.python_version(), "duckdb": duckdb.__version__,
                 "machine": f"{platform.machine()}, {os.cpu_count()} cores", "formats": {}}
    for fmt, path in files.items():
        db = WORK / f"wh_{fmt}_{rows}.duckdb"
        for stale in (db, Path(str(db) + ".next"), Path(str(db) + ".prev")):
            stale.unlink(missing_ok=True)
        ours = run_child(SAFETYOPS_CASE.format(db=str(db), path=str(path), fresh=True), reads=path)
        plain = run_child(DUCKDB_CASE.format(db=str(WORK / f"plain_{fmt}.duckdb"), path=str(path)), reads=path)
        (WORK / f"plain_{fmt}.duckdb").unlink(missing_ok=True)
        entry = {"file_mb": path.stat().st_size / 2**20, "safetyops": ours, "duckdb_plain": plain,
                 "ratio_vs_duckdb": ours["seconds"] / plain["seconds"]}
        if not skip_pandas:
            entry["pandas"] = run_child(PANDAS_CASES[fmt].format(path=str(path), out=str(WORK / "pandas_out.parquet")),
                                        reads=path)
        if fmt == "canonical":
            entry.update(bench_incremental(rows, path, db, ours["seconds"]))
        for case in ("safetyops", "duckdb_plain", "pandas"):
            if case in entry:
                entry[case]["rows_per_second"] = ours.get("rows_read", rows) / entry[case]["seconds"]
        out["formats"][fmt] = entry
        print(json.dumps({fmt: entry}, indent=1), flush=True)
        for leftover in (db, Path(str(db) + ".prev")):
            leftover.unlink(missing_ok=True)
    return out


def bench_incremental(rows: int, full_file: Path, db: Path, full_seconds: float) -> dict:
    """Three 100k-row files loaded one after the other into the warehouse of the full load."""
    import duckdb
    runs = []
    for k in range(1, N_INCREMENTAL_FILES + 1):
        inc = WORK / f"incremental_{rows}_{k}.csv"
        if not inc.exists():
            duckdb.execute(INCREMENTAL_FILE_SQL.format(out=str(inc), seed=6 + k, k=k), {"src": str(full_file)})
        run = run_child(SAFETYOPS_CASE.format(db=str(db), path=str(inc), fresh=False))
        run["share_of_full_load"] = run["seconds"] / full_seconds
        runs.append(run)
    later = runs[1:]
    return {"incremental_100k_runs": runs,
            "incremental_share_of_full_load_first": runs[0]["share_of_full_load"],
            "incremental_share_of_full_load_later": max(r["share_of_full_load"] for r in later)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--skip-pandas", action="store_true")
    parser.add_argument("--out", type=Path, help="write the figures as JSON here")
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    result = bench(args.rows, args.skip_pandas)
    out = args.out or ROOT / "benchmarks" / "results" / f"ingest_{args.rows}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2))
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
