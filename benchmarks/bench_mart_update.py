"""Incremental mart update vs full rebuild after one incremental load.

    .venv/bin/python benchmarks/bench_mart_update.py --rows 1000000

A synthetic year of tickets (benchmarks/bench_metrics.py's seeded generator), marts built, then one
load of --load tickets in the shape a 30-minute refresh sees: 80 % new tickets created in the last
three days, 20 % new versions of tickets created in the last 30 days (now resolved, some created
a day earlier, across a month boundary when there is one). The loaded warehouse is copied; one
copy gets update_marts, the other build_marts (each followed by a CHECKPOINT, as when the refresh
swaps the file in), and their marts are compared (order-independent).
"""
from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import duckdb  # noqa: E402

from benchmarks.bench_metrics import generate  # noqa: E402
from metrics.mart_update import update_marts  # noqa: E402
from metrics.marts import MART_TABLES, build_marts  # noqa: E402
from core.config import Config  # noqa: E402

WORK = ROOT / "benchmarks" / "_work"
LOAD_RUN_ID = 1


def connect(db: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(db))
    con.execute("SET TimeZone = 'UTC'")
    return con


def timed_call(db: Path, fn) -> tuple[float, object]:
    con = connect(db)
    t0 = time.perf_counter()
    result = fn(con)
    con.execute("CHECKPOINT")
    seconds = time.perf_counter() - t0
    con.close()
    return seconds, result


def apply_load(db: Path, n_load: int) -> dict:
    """One upsert the way pipelines/sql/upsert_tickets.sql does it (delete, then insert)."""
    con = connect(db)
    n_updates = n_load // 5
    con.execute(f"""
        CREATE TEMP TABLE batch AS
        WITH bounds AS (SELECT max(created_at) AS last_at FROM tickets),
        recent AS (
            SELECT t.* FROM tickets AS t, bounds
            WHERE t.created_at >= bounds.last_at - INTERVAL 30 DAY
            ORDER BY hash(t.ticket_id) LIMIT {n_updates}
        ),
        updated AS (
            SELECT * REPLACE (
                CASE WHEN hash(ticket_id) % 4 = 0 THEN created_at - INTERVAL 1 DAY ELSE created_at END AS created_at,
                coalesce(resolved_at, last_at) AS resolved_at,
                last_at AS updated_at, 'solved' AS status, {LOAD_RUN_ID} AS load_run_id)
            FROM recent, bounds
        ),
        added AS (
            SELECT t.* REPLACE (
                'inc-' || t.ticket_id AS ticket_id,
                b.last_at - to_minutes(CAST(hash(t.ticket_id) % (3 * 1440) AS BIGINT)) AS created_at,
                b.last_at AS updated_at, NULL AS resolved_at, NULL AS first_response_at,
                {LOAD_RUN_ID} AS load_run_id)
            FROM tickets AS t, bounds AS b
            ORDER BY hash(t.ticket_id, 2) LIMIT {n_load - n_updates}
        )
        SELECT * EXCLUDE (last_at) FROM updated UNION ALL BY NAME SELECT * FROM added
    """)
    con.execute("DELETE FROM tickets AS t USING batch AS b WHERE t.source = b.source AND t.ticket_id = b.ticket_id")
    con.execute("INSERT INTO tickets BY NAME SELECT * FROM batch")
    con.execute("INSERT INTO load_runs VALUES (?, 'bench', 'bench', 'bench', 'canonical', ?, ?, ?, ?, 0, 0, "
                "now(), now(), 'loaded', 'UTC', 1)", [LOAD_RUN_ID, n_load, n_load, n_load - n_updates, n_updates])
    con.execute("CHECKPOINT")
    con.close()
    return {"new": n_load - n_updates, "updated": n_updates}


def _rounded(row: tuple) -> str:
    # sum_qa is a DOUBLE sum: its last bits depend on summation order, which differs between any
    # two builds (full ones too), so compare at 1e-6
    return repr(tuple(round(v, 6) if isinstance(v, float) else v for v in row))


def mart_contents(db: Path) -> dict:
    con = duckdb.connect(str(db), read_only=True)
    out = {name: sorted(map(_rounded, con.execute(f"SELECT * FROM {name}").fetchall())) for name in MART_TABLES}
    con.close()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--load", type=int, default=10_000)
    ap.add_argument("--timezone", default="Europe/Berlin")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "mart_update.json")
    args = ap.parse_args()
    config = Config(reporting_timezone=args.timezone)
    base, inc, full = (WORK / f"mart_update_{args.rows}{s}.duckdb" for s in ("", "_inc", "_full"))
    generate(base, args.rows, seed=7, days=365)
    build_seconds, _ = timed_call(base, lambda con: build_marts(con, config))
    load = apply_load(base, args.load)
    for copy in (inc, full):
        shutil.copyfile(base, copy)
    update_seconds, update = timed_call(inc, lambda con: update_marts(con, config, [LOAD_RUN_ID]))
    rebuild_seconds, _ = timed_call(full, lambda con: build_marts(con, config))
    same = mart_contents(inc) == mart_contents(full)
    result = {"tickets": args.rows, "load": load, "timezone": args.timezone,
              "initial_build_seconds": round(build_seconds, 2), "update_seconds": round(update_seconds, 2),
              "full_rebuild_seconds": round(rebuild_seconds, 2), "update_mode": update["mode"],
              "months_rebuilt": update["months"], "marts_identical": same}
    print(json.dumps(result, indent=2))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    if same:
        for p in (base, inc, full):
            p.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
