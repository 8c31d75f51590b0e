"""Metrics benchmark: marts build, `metrics show` (run_query) and dashboard reads, against the
pandas code an analyst would write, on the same synthetic year of tickets in the same run.

    .venv/bin/python benchmarks/bench_metrics.py --rows 1000000
    .venv/bin/python benchmarks/bench_metrics.py --rows 10000000 --out benchmarks/results/metrics_10000000.json

Tickets are generated inside DuckDB by a seeded SQL generator (benchmarks/sql/synthetic_tickets.sql),
then: build_marts; run_query for inflow, backlog, frt_p90 and sla_frt_attainment by day x region x
abuse_category (auto source, i.e. the mart where it applies, and straight from tickets); backlog by
day x region; dashboard-style queries on the marts. The pandas side runs in a child process (its
own peak RSS): read the Parquet export, then groupby. Each timing is the median of --repeat runs
after one warm-up; rows/s = tickets / seconds.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import duckdb  # noqa: E402

from metrics.marts import build_marts  # noqa: E402
from metrics.query import MetricQuery, run_query  # noqa: E402
from metrics.scorecards import kpi_summary, vendor_scorecard  # noqa: E402
from core.config import Config  # noqa: E402
from core.warehouse import connect_read, ensure_schema  # noqa: E402

WORK = ROOT / "benchmarks" / "_work"
START = dt.datetime(2025, 11, 1, tzinfo=dt.timezone.utc)
SHOW_METRICS = ("inflow", "backlog", "frt_p90", "sla_frt_attainment")
BY = ("region", "abuse_category")


def peak_rss_mb() -> float:
    """This process's peak resident set (VmHWM). ru_maxrss would carry the parent's peak across
    fork + exec, so every phase runs in its own process and reads /proc instead."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def timed(fn, repeat: int) -> tuple[float, float, object]:
    """(first run seconds, median of `repeat` further runs, last result)."""
    t0 = time.perf_counter()
    result = fn()
    first = time.perf_counter() - t0
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        runs.append(time.perf_counter() - t0)
    return first, statistics.median(runs) if runs else first, result


def generate(db: Path, rows: int, seed: int, days: int) -> float:
    for p in (db, Path(str(db) + ".wal")):
        p.unlink(missing_ok=True)
    con = duckdb.connect(str(db))
    con.execute("SET TimeZone = 'UTC'")
    ensure_schema(con)
    t0 = time.perf_counter()
    sql = (ROOT / "benchmarks" / "sql" / "synthetic_tickets.sql").read_text()
    con.execute(sql, {"rows": rows, "seed": seed, "start_at": START, "days": days})
    con.execute("CHECKPOINT")
    con.close()
    return time.perf_counter() - t0


def export_parquet(db: Path, parquet: Path) -> None:
    con = duckdb.connect(str(db), read_only=True)
    con.execute(f"COPY (SELECT * EXCLUDE (tags) FROM tickets) TO '{parquet}' (FORMAT parquet)")
    con.close()


def bench_marts(db: Path, config: Config) -> dict:
    con = duckdb.connect(str(db))
    con.execute("SET TimeZone = 'UTC'")
    t0 = time.perf_counter()
    counts = build_marts(con, config)
    con.execute("CHECKPOINT")
    seconds = time.perf_counter() - t0
    con.close()
    return {"seconds": round(seconds, 3), "tickets_per_second": round(n_tickets(db) / seconds),
            "rows": counts, "peak_rss_mb": peak_rss_mb()}


def n_tickets(db: Path) -> int:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("SELECT count(*) FROM tickets").fetchall()[0][0]
    finally:
        con.close()


def bench_queries(db: Path, config: Config, rows: int, repeat: int) -> dict:
    con = connect_read(db)
    out = {}
    last_90 = dict(date_from=dt.date(2026, 8, 3), date_to=dt.date(2026, 10, 31))
    cases = {}
    for metric in SHOW_METRICS:
        cases[f"show_{metric}_day_region_category"] = (MetricQuery(metric, by=BY), "auto")
        cases[f"show_{metric}_day_region_category_from_tickets"] = (MetricQuery(metric, by=BY), "tickets")
    cases["show_backlog_day_region"] = (MetricQuery("backlog", by=("region",)), "auto")
    cases["show_backlog_day_region_from_tickets"] = (MetricQuery("backlog", by=("region",)), "tickets")
    cases["dashboard_inflow_day_last90_region_BR"] = (
        MetricQuery("inflow", filters=(("region", ("BR",)),), **last_90), "auto")
    cases["dashboard_sla_week_by_vendor"] = (MetricQuery("sla_frt_attainment", grain="week", by=("vendor",)), "auto")
    cases["dashboard_backlog_day_by_category_last90"] = (MetricQuery("backlog", by=("abuse_category",), **last_90), "auto")
    cases["dashboard_frt_p90_week_by_vendor_last90"] = (MetricQuery("frt_p90", grain="week", by=("vendor",), **last_90), "auto")
    for name, (query, source) in cases.items():
        first, median, frame = timed(lambda q=query, s=source: run_query(con, q, config, source=s), repeat)
        out[name] = {"first_seconds": round(first, 4), "seconds": round(median, 4),
                     "rows_per_second": round(rows / median), "result_rows": len(frame)}
        print(f"  {name:55s} {median:8.3f} s  ({len(frame)} rows)", file=sys.stderr, flush=True)
    week = (dt.date(2026, 10, 25), dt.date(2026, 10, 31))
    for name, fn in {
        "dashboard_kpi_summary_7d": lambda: kpi_summary(con, config, *week),
        "dashboard_vendor_scorecard_7d": lambda: vendor_scorecard(con, config, *week),
    }.items():
        first, median, _ = timed(fn, repeat)
        out[name] = {"first_seconds": round(first, 4), "seconds": round(median, 4)}
        print(f"  {name:55s} {median:8.3f} s", file=sys.stderr, flush=True)
    raw_sql = ("SELECT day, sum(n_created) AS inflow, sum(n_sla_met) / sum(n_sla_decided) AS sla "
               "FROM mart_daily WHERE day >= TIMESTAMP '2026-08-03' AND region = 'BR' GROUP BY day ORDER BY day")
    first, median, _ = timed(lambda: con.execute(raw_sql).fetchall(), repeat)
    out["dashboard_raw_mart_sql_day_BR"] = {"first_seconds": round(first, 4), "seconds": round(median, 4)}
    print(f"  {'dashboard_raw_mart_sql_day_BR':55s} {median:8.3f} s", file=sys.stderr, flush=True)
    out["peak_rss_mb"] = peak_rss_mb()
    con.close()
    return out


PANDAS_CHILD = r"""
import json, resource, sys, time
import numpy as np, pandas as pd
parquet, tz = sys.argv[1], sys.argv[2]
sla = {"urgent": 60, "high": 240, "normal": 1440, "low": 4320}
timings = {}
def local_day(s):
    return s.dt.tz_convert(tz).dt.tz_localize(None).dt.floor("D")
t0 = time.perf_counter()
df = pd.read_parquet(parquet, columns=["created_at", "first_response_at", "resolved_at", "priority",
                                       "region", "abuse_category"])
timings["read_parquet"] = time.perf_counter() - t0
def step(name, fn):
    t = time.perf_counter(); out = fn(); timings[name] = time.perf_counter() - t; return out
day = step("local_day", lambda: local_day(df["created_at"]))
keys = [day, df["region"], df["abuse_category"]]
step("inflow", lambda: df.groupby(keys).size())
frt = (df["first_response_at"] - df["created_at"]).dt.total_seconds() / 60
step("frt_p90", lambda: frt.groupby(keys).quantile(0.9))
def attainment():
    as_of = df[["created_at", "first_response_at", "resolved_at"]].max().max()
    target = df["created_at"] + pd.to_timedelta(df["priority"].map(sla), unit="m")
    answered = df["first_response_at"].notna()
    decided = answered | (target < as_of)
    met = answered & (df["first_response_at"] <= target)
    frame = pd.DataFrame({"decided": decided, "met": met})
    g = frame.groupby(keys).sum()
    return g["met"] / g["decided"].replace(0, np.nan)
step("sla_frt_attainment", attainment)
def backlog(dims):
    created = pd.DataFrame({"day": day, "delta": 1, **{d: df[d] for d in dims}})
    done = df["resolved_at"].notna()
    resolved = pd.DataFrame({"day": local_day(df.loc[done, "resolved_at"]), "delta": -1,
                             **{d: df.loc[done, d] for d in dims}})
    events = pd.concat([created, resolved]).groupby(["day", *dims])["delta"].sum()
    wide = events.unstack(dims, fill_value=0)
    return wide.sort_index().cumsum()
step("backlog_day_region_category", lambda: backlog(["region", "abuse_category"]))
step("backlog_day_region", lambda: backlog(["region"]))
for line in open("/proc/self/status"):
    if line.startswith("VmHWM:"):
        timings["peak_rss_mb"] = int(line.split()[1]) / 1024
print(json.dumps(timings))
"""


def bench_pandas(parquet: Path, tz: str) -> dict:
    proc = subprocess.run([sys.executable, "-c", PANDAS_CHILD, str(parquet), tz],
                          capture_output=True, text=True, check=True)
    timings = json.loads(proc.stdout.strip().splitlines()[-1])
    base = timings["read_parquet"] + timings["local_day"]
    for metric in SHOW_METRICS:
        key = "backlog_day_region_category" if metric == "backlog" else metric
        timings[f"total_{metric}_day_region_category"] = base + timings[key]
    timings["total_backlog_day_region"] = base + timings["backlog_day_region"]
    return {k: round(v, 4) for k, v in timings.items()}


def run_phase(args, phase: str) -> dict:
    """Run one phase in a fresh process so its peak RSS is its own."""
    cmd = [sys.executable, __file__, "--phase", phase, "--rows", str(args.rows), "--days", str(args.days),
           "--seed", str(args.seed), "--repeat", str(args.repeat), "--timezone", args.timezone]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    sys.stdout.write(proc.stderr)
    if proc.returncode != 0:
        raise SystemExit(f"phase {phase} failed:\n{proc.stdout}{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def phase_main(args, db: Path, parquet: Path, config: Config) -> dict:
    if args.phase == "generate":
        return {"seconds": round(generate(db, args.rows, args.seed, args.days), 3), "peak_rss_mb": peak_rss_mb()}
    if args.phase == "marts":
        return bench_marts(db, config)
    if args.phase == "queries":
        return bench_queries(db, config, args.rows, args.repeat)
    export_parquet(db, parquet)
    return bench_pandas(parquet, args.timezone)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--days", type=int, default=365)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--timezone", default="Europe/Berlin")
    ap.add_argument("--skip-pandas", action="store_true")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results_metrics.json")
    ap.add_argument("--phase", choices=("generate", "marts", "queries", "pandas"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    db = WORK / f"metrics_{args.rows}.duckdb"
    parquet = WORK / f"metrics_{args.rows}.parquet"
    config = Config(db_path=db, reporting_timezone=args.timezone)
    if args.phase:
        print(json.dumps(phase_main(args, db, parquet, config), default=str))
        return
    result = {"rows": args.rows, "days": args.days, "timezone": args.timezone, "seed": args.seed,
              "repeat": args.repeat,
              "machine": {"python": platform.python_version(), "duckdb": duckdb.__version__,
                          "cpus": os.cpu_count(), "load_average_at_start": os.getloadavg()}}
    print(f"generating {args.rows:,} tickets ...", flush=True)
    result["generate"] = run_phase(args, "generate")
    print("building marts ...", flush=True)
    result["build_marts"] = run_phase(args, "marts")
    marts = result["build_marts"]
    print(f"  build_marts {marts['seconds']:.2f} s, peak RSS {marts['peak_rss_mb']} MB, rows {marts['rows']}",
          flush=True)
    print("queries ...", flush=True)
    result["queries"] = run_phase(args, "queries")
    if not args.skip_pandas:
        print("pandas ...", flush=True)
        result["pandas"] = run_phase(args, "pandas")
        result["speedup_vs_pandas"] = {
            m: round(result["pandas"][f"total_{m}_day_region_category"]
                     / result["queries"][f"show_{m}_day_region_category"]["seconds"], 1)
            for m in SHOW_METRICS}
        result["speedup_vs_pandas"]["backlog_day_region"] = round(
            result["pandas"]["total_backlog_day_region"] / result["queries"]["show_backlog_day_region"]["seconds"], 1)
        print(f"  pandas {result['pandas']}\n  speedup {result['speedup_vs_pandas']}", flush=True)
    result["machine"]["load_average_at_end"] = os.getloadavg()
    args.out.write_text(json.dumps(result, indent=2, default=str) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
