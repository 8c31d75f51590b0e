"""Weekly report benchmark: build time of `build_weekly_report` at N tickets (target <= 10 s at 10M).

    .venv/bin/python benchmarks/bench_report.py --rows 1000000
    .venv/bin/python benchmarks/bench_report.py --rows 10000000 --out benchmarks/results/report_10000000.json

A seeded synthetic year of tickets (benchmarks/sql/synthetic_tickets.sql, shared with
bench_metrics.py) is written to benchmarks/_work/report/report_<rows>.duckdb; marts are built and
detection runs (as the refresh does) inside one writing() block; then the report for the last
complete week is built --repeat times from a read-only connection, unfiltered and for one vendor.
Timings: first run and the median of the repeats. The report file is written once to check size.
"""
from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import json
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dashboards.report.build import build_weekly_report, default_week, write_weekly_report  # noqa: E402
from metrics.marts import build_marts  # noqa: E402
from core.config import Config  # noqa: E402
from core.warehouse import connect_read, writing  # noqa: E402

WORK = ROOT / "benchmarks" / "_work" / "report"   # own folder: other benchmarks clean theirs


def _bench_metrics():
    """bench_metrics.generate: the same seeded SQL generator, so both benchmarks share one data set."""
    spec = importlib.util.spec_from_file_location("bench_metrics", ROOT / "benchmarks" / "bench_metrics.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def prepare(db: Path, rows: int, seed: int, days: int, detect: bool, config: Config) -> dict:
    generate_seconds = _bench_metrics().generate(db, rows, seed, days)
    t0 = time.perf_counter()
    with writing(db) as con:
        build_marts(con, config)
        marts_seconds = time.perf_counter() - t0
        detect_seconds = None
        if detect:
            from anomaly.warehouse_detection import run_detection
            t1 = time.perf_counter()
            run_detection(con, config)
            detect_seconds = time.perf_counter() - t1
    return {"generate_seconds": round(generate_seconds, 2), "marts_seconds": round(marts_seconds, 2),
            "detect_seconds": None if detect_seconds is None else round(detect_seconds, 2)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--days", type=int, default=365)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--no-detect", action="store_true", help="skip detection (anomaly section empty)")
    ap.add_argument("--reuse", action="store_true", help="reuse benchmarks/_work/report/report_<rows>.duckdb")
    ap.add_argument("--out", type=Path, help="write the results as JSON here")
    args = ap.parse_args()

    WORK.mkdir(parents=True, exist_ok=True)
    db = WORK / f"report_{args.rows}.duckdb"
    config = Config(db_path=db)
    results = {"rows": args.rows, "days": args.days, "machine": platform.platform(),
               "python": platform.python_version()}
    if not (args.reuse and db.exists()):
        results["prepare"] = prepare(db, args.rows, args.seed, args.days, not args.no_detect, config)
        print(f"prepared {args.rows:,} tickets: {results['prepare']}", flush=True)
    con = connect_read(db)
    try:
        week = default_week(con, config)
        vendor = con.execute("SELECT vendor FROM tickets GROUP BY vendor ORDER BY count(*) DESC, vendor "
                             "LIMIT 1").fetchall()[0][0]
        for name, filters in (("weekly", ()), ("weekly_one_vendor", (("vendor", (vendor,)),))):
            first, median, text = _bench_metrics().timed(lambda f=filters: build_weekly_report(con, config, week=week, filters=f),
                                        args.repeat)
            results[name] = {"week": week, "first_seconds": round(first, 3), "seconds": round(median, 3),
                             "bytes": len(text.encode("utf-8"))}
            print(f"  {name:20s} {week}: first {first:.2f} s, median {median:.2f} s, "
                  f"{len(text.encode('utf-8')) / 1e6:.2f} MB", flush=True)
        out_html = write_weekly_report(con, config, week=week, out_path=WORK / f"report_{args.rows}.html",
                                       generated_at=dt.datetime.now(dt.timezone.utc))
        results["file_bytes"] = out_html.stat().st_size
    finally:
        con.close()
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
        print(f"results written to {args.out}")


if __name__ == "__main__":
    main()
