"""Workbook benchmark: a Salesforce-style report as .xlsx, loaded by safetyops, beside the same rows
as the report's CSV export and beside pandas reading the workbook, in the same run.

    .venv/bin/python benchmarks/bench_workbook.py --rows 100000
    .venv/bin/python benchmarks/bench_workbook.py --rows 1000000     # Excel's limit is 1,048,576 rows

Each case runs in a fresh process (bench_ingest.run_child: page cache written back, input read
once, clock after the imports):
  safetyops xlsx   `ingest_file` of the workbook (the sheet is written to CSV by a child process
                   with capped memory, then loaded as the CSV is)
  safetyops csv    `ingest_file` of the same rows as the report's CSV export
  pandas xlsx      `pd.read_excel(path)` (its default engine, openpyxl): what an analyst would run
                   to get the sheet into a table at all, before any normalisation
Peak memory is the case process's VmHWM, and for the workbook load also the largest child's
(the reader's) peak RSS. There is no 10M case: a sheet holds at most 1,048,576 rows.
"""
from __future__ import annotations

import argparse
import csv
import json
import random
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_ingest import ROOT, WORK, run_child   # noqa: E402  (the shared child runner)

COLUMNS = ["Case Number", "Date/Time Opened", "Status", "Priority", "Case Origin", "Abuse Category", "Region",
           "Last Modified Date", "Date/Time Closed", "Case Owner", "Contact Email", "Subject"]

SAFETYOPS_CASE = """
import os, resource
from core.config import load_config
from core.warehouse import writing
from pipelines.ingest import ingest_file
os.environ.setdefault("SAFETYOPS_HASH_KEY", "benchmark-only-key-not-a-secret")
t0 = time.perf_counter()
config = load_config(None, {db!r})
with writing(config.db_path, fresh=True) as con:
    result = ingest_file(con, {path!r}, config, timezone_name="UTC", force=True)
assert result.rows_rejected == 0, result.top_reasons
reader_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(json.dumps({{"rows_loaded": result.rows_loaded, "reader_peak_rss_mb": reader_mb}}), file=sys.stderr)
"""

PANDAS_CASE = """
import pandas as pd
t0 = time.perf_counter()
df = pd.read_excel({path!r})
assert len(df) == {rows}
"""


def make_inputs(rows: int) -> tuple[Path, Path]:
    """The report as .xlsx (date cells) and as its CSV export (en-US dates), the same rows."""
    folder = WORK / f"workbook_{rows}"
    book, export = folder / "cases.xlsx", folder / "cases.csv"
    if book.exists() and export.exists():
        return book, export
    from openpyxl import Workbook
    folder.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    wb = Workbook(write_only=True)
    sheet = wb.create_sheet("Cases")
    sheet.append(COLUMNS)
    with export.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(COLUMNS)
        for row in _rows(rows):
            sheet.append(row)
            writer.writerow([_as_exported(v) for v in row])
    wb.save(book)
    print(f"wrote {rows:,} rows as xlsx and csv in {time.perf_counter() - started:.0f} s", flush=True)
    return book, export


def _rows(n: int):
    rng, start = random.Random(7), datetime(2026, 1, 1)
    for i in range(n):
        opened = start + timedelta(minutes=rng.randint(0, 60 * 24 * 360))
        closed = opened + timedelta(hours=rng.randint(1, 120)) if i % 3 else None
        yield [f"{i:08d}", opened, "Closed" if closed else rng.choice(["New", "Working"]),
               rng.choice(["High", "Medium", "Low"]), rng.choice(["Web", "Email", "Phone"]),
               rng.choice(["Spam", "Harassment", "Hate speech"]), rng.choice(["US", "BR", "IN"]),
               closed or opened, closed, f"Agent {i % 50}", f"user{i}@example.com", f"case {i}"]


def _as_exported(value) -> str:
    if isinstance(value, datetime):
        return value.strftime("%m/%d/%Y %I:%M %p")
    return "" if value is None else str(value)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--skip-pandas", action="store_true")
    args = parser.parse_args()
    book, export = make_inputs(args.rows)
    db = WORK / f"workbook_bench_{args.rows}.duckdb"
    cases = {"safetyops xlsx": (SAFETYOPS_CASE.format(db=str(db), path=str(book)), book),
             "safetyops csv": (SAFETYOPS_CASE.format(db=str(db), path=str(export)), export)}
    if not args.skip_pandas:
        cases["pandas read_excel"] = (PANDAS_CASE.format(path=str(book), rows=args.rows), book)
    results = {"rows": args.rows, "xlsx_bytes": book.stat().st_size, "csv_bytes": export.stat().st_size}
    for name, (body, reads) in cases.items():
        result = run_child(body, reads=reads)
        result["rows_per_s"] = args.rows / result["seconds"]
        results[name] = result
        reader = f", reader child {result['reader_peak_rss_mb']:,.0f} MB" if result.get("reader_peak_rss_mb") else ""
        print(f"{name:18s} {result['seconds']:7.2f} s  {result['rows_per_s']:>10,.0f} rows/s  "
              f"peak {result['peak_rss_mb']:,.0f} MB{reader}", flush=True)
    out = ROOT / "benchmarks" / "results" / f"workbook_{args.rows}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
