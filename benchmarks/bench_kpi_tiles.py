"""The Overview KPI-tile callback, uncached: server time over HTTP for windows nobody asked for yet.

    .venv/bin/python benchmarks/bench_kpi_tiles.py --rows 1000000 --out benchmarks/results/kpi_tiles_1000000.json
    .venv/bin/python benchmarks/bench_kpi_tiles.py --db benchmarks/_work/dashboard_10000000.duckdb

Starts `safetyops serve` (bench_dashboard.start_server) with a config that turns the default-view
warm-up off and points the panel cache at an empty temporary folder, then posts the
`overview-kpis` block callback (tiles + sparklines) once for each of --windows distinct date
windows (--days long, default 28 like the filter bar's default; shifted by one day each), one
request at a time: every request is a cache miss,
so the figure is the cost of kpi_summary and the sparklines, plus HTTP and JSON on loopback.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_dashboard import generate, percentile, start_server  # noqa: E402
from dash_replay import Replayer, walk  # noqa: E402

PANEL = "overview-kpis"
WARM_UP = 4   # the first requests of each worker open its connection: not counted


def kpi_store(r: Replayer, search: str) -> dict:
    """The tile block's store as the Overview page's layout hands it to the browser."""
    data = r.post("router:/", r.router,
                  [{"id": "_pages_location", "property": "pathname", "value": "/"},
                   {"id": "_pages_location", "property": "search", "value": search}],
                  [], ["_pages_location.pathname"])
    found: list = []
    walk(data["response"]["_pages_content"]["children"], found)
    for comp in found:
        ident = comp["props"].get("id")
        if isinstance(ident, dict) and ident.get("type") == "block-query" and ident.get("name") == PANEL:
            return comp
    raise SystemExit(f"no {PANEL} panel on the Overview page")


def post_tiles(r: Replayer, comp: dict) -> dict | None:
    ident = comp["props"]["id"]
    return r.post(f"block:{PANEL}", r.block,
                  [{"id": ident, "property": "data", "value": comp["props"]["data"]},
                   {"id": "theme-store", "property": "data", "value": "light"}],
                  [{"id": ident, "property": "id", "value": ident}], [])


def windows(end: dt.date, n: int, days: int) -> list[str]:
    """n + WARM_UP distinct windows of `days` days ending 1, 2, ... days before `end` (never the default)."""
    out = []
    for i in range(1, n + WARM_UP + 1):
        e = end - dt.timedelta(days=i)
        out.append(f"?from={(e - dt.timedelta(days=days - 1)).isoformat()}&to={e.isoformat()}")
    return out


def run(url: str, n: int, days: int) -> dict:
    r = Replayer(url)
    bar = r.filter_bar("/", "")
    end = dt.date.fromisoformat(bar["response"]["f-date"]["end_date"])
    searches = windows(end, n, days)
    seconds = []
    for i, search in enumerate(searches):
        comp = kpi_store(r, search)
        t0 = time.perf_counter()
        data = post_tiles(r, comp)
        elapsed = time.perf_counter() - t0
        if data is None or not r.timings[-1].ok:
            raise SystemExit(f"the tile callback failed for {search}")
        if i >= WARM_UP:
            seconds.append(elapsed)
    ms = [s * 1000 for s in seconds]
    return {"n": len(ms), "p50_ms": round(percentile(ms, .5), 1), "p95_ms": round(percentile(ms, .95), 1),
            "max_ms": round(max(ms), 1)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument("--db", type=Path)
    src.add_argument("--rows", type=int)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--windows", type=int, default=40)
    ap.add_argument("--days", type=int, default=28, help="window length (the filter bar's default: 28)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--label", default="", help="recorded with the figures (e.g. before/after)")
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()
    db = args.db or generate(args.rows, args.seed, 365)
    with tempfile.TemporaryDirectory(prefix="kpi-bench-") as tmp:
        cfg = Path(tmp) / "safetyops.toml"
        cfg.write_text(f'[serve]\nwarm_cache = false\ncache_dir = "{Path(tmp) / "cache"}"\n', encoding="utf-8")
        os.environ["SAFETYOPS_CONFIG"] = str(cfg)
        load_before = os.getloadavg()
        proc, url = start_server(db, args.workers)
        try:
            result = run(url, args.windows, args.days)
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    result.update(label=args.label, db=str(db), workers=args.workers, days=args.days,
                  loadavg_before=[round(x, 2) for x in load_before],
                  loadavg_after=[round(x, 2) for x in os.getloadavg()])
    print(json.dumps(result))
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(result, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
