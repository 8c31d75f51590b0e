"""CPU time per uncached panel draw, in-process: a measure of the work a callback does that the
machine's load barely changes (unlike wall time on shared cores).

    .venv/bin/python benchmarks/bench_panel_cpu.py --db benchmarks/_work/dashboard_10000000.duckdb
    # "before": the same script run from `git archive <commit>` of the older code

Each panel of every page is drawn (load + render + JSON, as the callback does) for --variants filter
sets (28-day windows ending 0, 7, 14 … days before the data's end, every other one with a region),
with the cache off, after one warm-up draw per panel. Process CPU time counts DuckDB's threads too.
Prints and writes per panel: median wall ms, median CPU ms.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", type=Path, required=True)
    ap.add_argument("--variants", type=int, default=6)
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()
    from core.config import Config
    from dashboards.app import create_app
    from dashboards.callbacks.panels import render_block, render_graph
    from dashboards.panels.base import PANELS
    from dashboards.state import current_state

    app = create_app(Config(db_path=args.db.resolve()))
    out = {"machine": {"cpus": os.cpu_count(), "load_average_at_start": os.getloadavg()}, "panels": {}}
    with app.server.app_context():
        state = current_state()
        state.data.cache = None
        end = state.data.read("as_of_date")
        regions = state.data.read("dimension_options", "region")
        searches = []
        for i in range(args.variants):
            last = end - dt.timedelta(days=7 * i)
            first = last - dt.timedelta(days=27)
            searches.append(f"?from={first}&to={last}" + (f"&region={regions[i % len(regions)]}" if i % 2 else ""))
        for name, panel in sorted(PANELS.items()):
            if panel.kind == "grid" or name.startswith("anomaly-"):
                continue
            draw = (lambda s: render_graph(state, name, {"search": s}, None).to_plotly_json()) \
                if panel.kind == "graph" else (lambda s: render_block(state, name, {"search": s}, None))
            draw(searches[0])                                  # warm-up
            wall, cpu = [], []
            for search in searches:
                w, c = time.perf_counter(), time.process_time()
                draw(search)
                wall.append((time.perf_counter() - w) * 1000)
                cpu.append((time.process_time() - c) * 1000)
            row = {"wall_ms_median": round(statistics.median(wall), 1), "cpu_ms_median": round(statistics.median(cpu), 1),
                   "cpu_ms_max": round(max(cpu), 1)}
            out["panels"][name] = row
            print(f"{name:24} wall {row['wall_ms_median']:7.1f} ms   cpu {row['cpu_ms_median']:7.1f} ms "
                  f"(max {row['cpu_ms_max']:.1f})", flush=True)
    out["machine"]["load_average_at_end"] = os.getloadavg()
    if args.out:
        args.out.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
