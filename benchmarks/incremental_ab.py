"""Incremental loads A/B between checkouts, interleaved, each from a fresh copy of one warehouse.

    .venv/bin/python benchmarks/incremental_ab.py --state W.duckdb --csv INC.csv [--with-prev] \
        --rounds 8 TREE_A TREE_B [...]

Round i runs every tree once, in an order that rotates from round to round. Each load
starts from a copy of `--state` (and `<state>.prev` with --with-prev: a later load, which reuses
the replaced file; without it the writer copies the whole file, as the first load after a rebuild
does) and is timed as each tree's own bench_ingest.py times its incremental case: a child process,
the page cache written back and the input read first, the clock after the imports. The child's CPU
seconds over the same span (all its threads) are reported beside the wall time, since the machine
is shared. Writes the runs as JSON to --out.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
from incremental_phases import fresh_scratch  # noqa: E402  (a script beside this one)


def bench_module(tree: Path):
    spec = importlib.util.spec_from_file_location(f"bench_ingest_{abs(hash(tree))}", tree / "benchmarks" / "bench_ingest.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def child_code(bench, db: Path, csv: Path) -> str:
    """The tree's own incremental case, with the child's CPU time taken over the same span."""
    body = bench.SAFETYOPS_CASE.format(db=str(db), path=str(csv), fresh=False).replace(
        "t0 = time.perf_counter()", "t0 = time.perf_counter(); c0 = time.process_time()")
    epilogue = bench.CHILD_EPILOGUE.replace('print(json.dumps({"seconds": seconds,',
                                            'print(json.dumps({"seconds": seconds, "cpu_s": time.process_time() - c0,')
    return bench.CHILD_PRELUDE.format(root=str(bench.ROOT)) + body + epilogue


def load_once(tree: Path, bench, state: Path, with_prev: bool, csv: Path, scratch: Path) -> dict:
    fresh_scratch(state, with_prev, scratch)
    bench.warm_page_cache(csv)
    load = os.getloadavg()[0]
    done = subprocess.run([sys.executable, "-c", child_code(bench, scratch, csv)], capture_output=True, text=True,
                          cwd=tree, check=True)
    run = json.loads(done.stdout.strip().splitlines()[-1])
    run.update(json.loads(done.stderr.strip().splitlines()[-1]))
    run.update(tree=str(tree), load1=load, at=time.strftime("%H:%M:%S"))
    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("trees", nargs="+", type=Path)
    parser.add_argument("--state", type=Path, required=True)
    parser.add_argument("--csv", type=Path, required=True)
    parser.add_argument("--with-prev", action="store_true")
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--scratch", type=Path, default=ROOT / "benchmarks" / "_work" / "ab.duckdb")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    trees = [t.resolve() for t in args.trees]
    benches = [bench_module(t) for t in trees]
    runs = []
    for i in range(args.rounds):
        for k in [(i + j) % len(trees) for j in range(len(trees))]:
            run = load_once(trees[k], benches[k], args.state, args.with_prev, args.csv, args.scratch)
            run["round"] = i
            runs.append(run)
            print(f"{run['at']} round {i} {trees[k]}: {run['seconds']:.3f} s, {run['cpu_s']:.2f} CPU-s, "
                  f"{run['working_copy']}, load {run['load1']:.2f}", flush=True)
    for tree in trees:
        wall = sorted(r["seconds"] for r in runs if r["tree"] == str(tree))
        cpu = sorted(r["cpu_s"] for r in runs if r["tree"] == str(tree))
        print(f"{tree}: median {statistics.median(wall):.3f} s ({wall[0]:.3f}-{wall[-1]:.3f}), "
              f"CPU median {statistics.median(cpu):.2f} s ({cpu[0]:.2f}-{cpu[-1]:.2f})")
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(runs, indent=1))


if __name__ == "__main__":
    main()
