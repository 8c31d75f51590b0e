"""`metrics show` against the pandas an analyst would write, compared like with like, two ways:

    .venv/bin/python benchmarks/bench_vs_pandas.py --db benchmarks/_work/dashboard_10000000.duckdb

- warm, in-process: each side in a process of its own, data already at hand (DuckDB: a read
  connection to the warehouse; pandas: the tickets' columns read from Parquet once, not timed),
  one warm-up run, then the median of --repeat runs of the computation; peak RSS (VmHWM) per side;
- whole commands: `safetyops metrics show METRIC --by ... --format csv` against
  `python benchmarks/pandas_metrics.py tickets.parquet METRIC` (read Parquet, compute, write CSV),
  each a fresh process as a user would run it, start-up and imports included, interleaved, median
  of --repeat runs.

The Parquet file holds the warehouse's tickets (the columns pandas needs), written once to
benchmarks/_work. The earlier comparison (bench_metrics.py) set a warm DuckDB median against one
cold pandas run that included reading the file; neither figure there is like for like.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

# metric for `metrics show`, its --by, and the pandas case computing the same
CASES = {"inflow": ("inflow", "region,abuse_category"), "frt_p90": ("frt_p90", "region,abuse_category"),
         "sla_frt_attainment": ("sla_frt_attainment", "region,abuse_category"),
         "backlog_region": ("backlog", "region")}


def vm_hwm_mb() -> float:
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def timed(fn, repeat: int) -> dict:
    fn()                                        # warm-up
    runs = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t)
    return {"median_s": round(statistics.median(runs), 4), "min_s": round(min(runs), 4),
            "max_s": round(max(runs), 4)}


def side_duckdb(db: Path, repeat: int) -> dict:
    from core.config import Config
    from core.warehouse import connect_read
    from metrics.query import MetricQuery, run_query
    con = connect_read(db)
    config = Config(db_path=db)
    out = {}
    for case, (metric, by) in CASES.items():
        query = MetricQuery(metric, by=tuple(by.split(",")))
        out[case] = timed(lambda q=query: run_query(con, q, config), repeat)
    out["peak_rss_mb"] = round(vm_hwm_mb())
    return out


def side_pandas(parquet: Path, repeat: int) -> dict:
    import pandas_metrics as pm
    t = time.perf_counter()
    df = pm.read(str(parquet))
    out = {"read_parquet_s": round(time.perf_counter() - t, 4)}
    for case in CASES:
        out[case] = timed(lambda c=case: pm.CASES[c](df, "UTC"), repeat)
    out["peak_rss_mb"] = round(vm_hwm_mb())
    return out


def run_side(args, side: str) -> dict:
    cmd = [sys.executable, __file__, "--side", side, "--db", str(args.db), "--repeat", str(args.repeat)]
    proc = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    if proc.returncode != 0:
        raise SystemExit(f"{side} failed:\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def whole_commands(db: Path, parquet: Path, repeat: int) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = {}
    for case, (metric, by) in CASES.items():
        ours = [sys.executable, "-m", "safetyops.cli", "--quiet", "--db", str(db), "metrics", "show", metric,
                "--by", by, "--format", "csv"]
        theirs = [sys.executable, str(ROOT / "benchmarks" / "pandas_metrics.py"), str(parquet), case]
        times: dict[str, list[float]] = {"safetyops": [], "pandas": []}
        for _ in range(repeat):                 # interleaved, so both see the same machine
            for name, cmd in (("safetyops", ours), ("pandas", theirs)):
                t = time.perf_counter()
                subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, env=env)
                times[name].append(time.perf_counter() - t)
        out[case] = {k: round(statistics.median(v), 3) for k, v in times.items()}
        out[case]["ratio_pandas_over_safetyops"] = round(out[case]["pandas"] / out[case]["safetyops"], 2)
        print(f"  command {case:22} safetyops {out[case]['safetyops']:7.3f} s  pandas {out[case]['pandas']:7.3f} s",
              flush=True)
    return out


def export_parquet(db: Path, parquet: Path) -> None:
    import duckdb
    if parquet.exists():
        return
    con = duckdb.connect(str(db), read_only=True)
    try:
        con.sql("SELECT created_at, first_response_at, resolved_at, priority, region, abuse_category "
                "FROM tickets").write_parquet(str(parquet))
    finally:
        con.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", type=Path, required=True, help="a warehouse with marts built (UTC reporting zone)")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--out", type=Path)
    ap.add_argument("--side", choices=("duckdb", "pandas"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    parquet = ROOT / "benchmarks" / "_work" / f"{args.db.stem}_tickets.parquet"
    if args.side == "duckdb":
        print(json.dumps(side_duckdb(args.db, args.repeat)))
        return
    if args.side == "pandas":
        print(json.dumps(side_pandas(parquet, args.repeat)))
        return
    export_parquet(args.db, parquet)
    result = {"db": str(args.db), "repeat": args.repeat,
              "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                          "load_average_at_start": os.getloadavg()}}
    result["warm_in_process"] = {"safetyops": run_side(args, "duckdb"), "pandas": run_side(args, "pandas")}
    for case in CASES:
        ours, theirs = result["warm_in_process"]["safetyops"][case], result["warm_in_process"]["pandas"][case]
        print(f"  warm    {case:22} safetyops {ours['median_s']:7.3f} s  pandas {theirs['median_s']:7.3f} s", flush=True)
    result["whole_commands"] = whole_commands(args.db, parquet, args.repeat)
    result["machine"]["load_average_at_end"] = os.getloadavg()
    text = json.dumps(result, indent=2)
    print(text)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
