"""Dashboard benchmark: server time per callback, then 50 concurrent users, over HTTP on loopback.

    # against a server you started (e.g. `safetyops serve --workers 2`):
    .venv/bin/python benchmarks/bench_dashboard.py --url http://127.0.0.1:8050
    # or let it start `safetyops serve` on an existing warehouse (a free port on 127.0.0.1):
    .venv/bin/python benchmarks/bench_dashboard.py --db data/warehouse.duckdb --workers 2
    # or generate N synthetic tickets first (bench_metrics' seeded generator, marts built):
    .venv/bin/python benchmarks/bench_dashboard.py --rows 10000000 --out benchmarks/results/dashboard_10M.json

Phase 1 replays, per page, what the browser sends on load (filter bar, pages router, one request per
panel) and on a filter change (region), for --variants filter sets, --repeat times: the first
request of each exact payload is "cold" (cache miss), the rest "warm". p50/p95 per callback.
Phase 2: --users simulated users for --duration seconds (each loop: a random page with a random
filter set), bounded by --max-loops per user; errors and p50/p95/p99 over all requests.
Targets from issue 5: p95 <= 150 ms per callback; 0 errors and p95 <= 1 s under load.
Times are client-measured on loopback, so they include HTTP and JSON but no network.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import random
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from dash_replay import BENCH_PASSWORD, BENCH_USER, Replayer, Timing  # noqa: E402

PAGES = ("/", "/response", "/backlog", "/abuse", "/vendors", "/anomalies", "/data-health", "/tickets")
WORK = ROOT / "benchmarks" / "_work"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ensure_bench_user(db: Path) -> None:
    from core.config import Config
    from dashboards.auth import store
    path = store.users_path(Config(db_path=db))
    if store.get_user(path, BENCH_USER) is None:
        store.add_user(path, BENCH_USER, "analyst", BENCH_PASSWORD)


def start_server(db: Path, workers: int) -> tuple[subprocess.Popen, str]:
    ensure_bench_user(db)
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "safetyops.cli", "--quiet", "--db", str(db), "serve",
                             "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server exited: {proc.stderr.read()}")
        try:
            if requests.get(url + "/login", timeout=30).status_code == 200:
                return proc, url
        except requests.RequestException:
            time.sleep(0.5)
    proc.terminate()
    raise SystemExit("server did not come up within 120 s")


def generate(rows: int, seed: int, days: int) -> Path:
    spec = importlib.util.spec_from_file_location("bench_metrics", ROOT / "benchmarks" / "bench_metrics.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    db = WORK / f"dashboard_{rows}.duckdb"
    if not db.exists():
        WORK.mkdir(parents=True, exist_ok=True)
        from metrics.marts import build_marts
        from core.config import Config
        from core.warehouse import writing
        try:
            module.generate(db, rows, seed, days)
            with writing(db) as con:
                build_marts(con, Config(db_path=db))
        except BaseException:
            # A half-built warehouse would be reused by the next run as if it were complete.
            db.unlink(missing_ok=True)
            raise
    return db


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def summarise(timings: list[Timing]) -> dict:
    out: dict = {}
    for label in sorted({t.label for t in timings}):
        mine = [t for t in timings if t.label == label]
        row = {"n": len(mine), "errors": sum(not t.ok for t in mine)}
        for kind, subset in (("cold", [t for t in mine if t.cold]), ("warm", [t for t in mine if not t.cold])):
            ms = [t.seconds * 1000 for t in subset]
            row[kind] = {"n": len(ms), "p50_ms": round(percentile(ms, .5), 1), "p95_ms": round(percentile(ms, .95), 1)}
        out[label] = row
    return out


def filter_sets(url: str, variants: int, seed: int) -> list[tuple[str, str, tuple]]:
    """(search, region to switch to, default dates) per variant: windows and regions of the data."""
    bar = Replayer(url).filter_bar("/", "")
    resp = bar.get("response", {})
    start, end = resp["f-date"]["start_date"], resp["f-date"]["end_date"]
    regions = [o["value"] for o in resp.get("f-region", {}).get("options", [])] or [None]
    rng = random.Random(seed)
    import datetime as dt
    out = []
    for i in range(variants):
        shift = dt.timedelta(days=7 * i)
        s = (dt.date.fromisoformat(start) - shift).isoformat()
        e = (dt.date.fromisoformat(end) - shift).isoformat()
        out.append((f"?from={s}&to={e}", rng.choice(regions), (s, e)))
    return out


def phase_callbacks(url: str, sets: list, repeat: int) -> dict:
    r = Replayer(url)
    for _ in range(repeat):
        for search, region, dates in sets:
            for path in PAGES:
                r.load(path, search)
                if region:
                    r.change_region(path, search, region, dates)
    return summarise(r.timings)


def phase_load(url: str, sets: list, users: int, duration: float, max_loops: int, seed: int) -> dict:
    timings: list[Timing] = []
    lock = threading.Lock()
    deadline = time.monotonic() + duration

    def user(i: int) -> None:
        rng = random.Random(seed + i)
        r = Replayer(url)
        for _ in range(max_loops):
            if time.monotonic() >= deadline:
                break
            search, region, dates = rng.choice(sets)
            path = rng.choice(PAGES)
            if region and rng.random() < 0.5:
                r.change_region(path, search, region, dates)
            else:
                r.load(path, search)
        with lock:
            timings.extend(r.timings)

    t0 = time.monotonic()
    threads = [threading.Thread(target=user, args=(i,)) for i in range(users)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - t0
    ms = [t.seconds * 1000 for t in timings]
    return {"users": users, "seconds": round(elapsed, 1), "requests": len(timings),
            "errors": sum(not t.ok for t in timings), "requests_per_s": round(len(timings) / elapsed, 1),
            "p50_ms": round(percentile(ms, .5), 1), "p95_ms": round(percentile(ms, .95), 1),
            "p99_ms": round(percentile(ms, .99), 1)}


class LoadSampler:
    """The machine's 1-minute load average and CPU busy share every `every` seconds while a phase
    runs: the cores are shared, so every figure is stated with the load it was measured under."""

    def __init__(self, every: float = 5.0):
        self.every, self.samples, self._stop = every, [], threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    @staticmethod
    def _cpu() -> tuple[int, int]:
        fields = [int(x) for x in open("/proc/stat").readline().split()[1:]]
        return sum(fields), fields[3] + fields[4]       # total, idle + iowait

    def _run(self) -> None:
        total, idle = self._cpu()
        while not self._stop.wait(self.every):
            t, i = self._cpu()
            busy = 1 - (i - idle) / max(t - total, 1)
            total, idle = t, i
            self.samples.append({"t": round(time.time()), "load_1m": os.getloadavg()[0], "cpu_busy": round(busy, 2)})

    def __enter__(self) -> "LoadSampler":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def summary(self) -> dict:
        loads = [s["load_1m"] for s in self.samples] or [os.getloadavg()[0]]
        return {"load_1m_min": min(loads), "load_1m_max": max(loads),
                "load_1m_median": statistics.median(loads), "samples": self.samples}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    src = ap.add_mutually_exclusive_group()
    src.add_argument("--url", help="a running dashboard (127.0.0.1 only)")
    src.add_argument("--db", type=Path, help="start `safetyops serve` on this warehouse")
    src.add_argument("--rows", type=int, help="generate this many synthetic tickets, then serve them")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--variants", type=int, default=3, help="filter sets (date windows x regions)")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--users", type=int, default=50)
    ap.add_argument("--duration", type=float, default=60)
    ap.add_argument("--max-loops", type=int, default=200, help="per user, bounds the load phase")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--skip-load", action="store_true")
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()

    proc = None
    url = args.url
    if url and not url.startswith(("http://127.0.0.1", "http://localhost")):
        raise SystemExit("--url must be on loopback (127.0.0.1)")
    if not url:
        db = args.db or generate(args.rows or 100_000, args.seed, 365)
        proc, url = start_server(db, args.workers)
    try:
        sets = filter_sets(url, args.variants, args.seed)
        result = {"url": url, "workers": args.workers, "variants": args.variants, "repeat": args.repeat,
                  "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                              "load_average_at_start": os.getloadavg()}}
        with LoadSampler() as load:
            result["callbacks"] = phase_callbacks(url, sets, args.repeat)
        result["machine"]["load_during_callbacks"] = load.summary()
        if not args.skip_load:
            result["load"] = phase_load(url, sets, args.users, args.duration, args.max_loops, args.seed)
    finally:
        if proc is not None:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=30)
    print(f"{'callback':40} {'n':>5} {'err':>4} {'cold p50':>9} {'cold p95':>9} {'warm p50':>9} {'warm p95':>9}")
    for label, row in result["callbacks"].items():
        print(f"{label:40} {row['n']:5} {row['errors']:4} {row['cold']['p50_ms']:9} {row['cold']['p95_ms']:9} "
              f"{row['warm']['p50_ms']:9} {row['warm']['p95_ms']:9}")
    during = result["machine"]["load_during_callbacks"]
    print(f"machine: {os.cpu_count()} cpus, 1-minute load average {during['load_1m_min']:.1f}-"
          f"{during['load_1m_max']:.1f} (median {during['load_1m_median']:.1f}) during the callbacks phase")
    if "load" in result:
        print("load:", json.dumps(result["load"]))
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(result, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
