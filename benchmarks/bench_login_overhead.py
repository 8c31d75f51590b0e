"""What signing in adds to a cached dashboard callback: the same request, the same warehouse, the
same warm panel cache, to an app with the sign-in guard and to one without it, over HTTP on
loopback, in the same run.

    .venv/bin/python benchmarks/bench_login_overhead.py --rows 100000 --requests 400

The guarded app checks the Host header, looks the session cookie up in the user store (SQLite),
compares the CSRF header and sets the security headers; the baseline is the same app with the
guard replaced by a fixed user (the envelope check and the headers stay in both). Requests alternate between the
two so machine load hits both alike. Also times the guard's store lookup alone.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import threading
import time
from dataclasses import replace
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_dashboard import ensure_bench_user, free_port, generate, percentile  # noqa: E402
from dash_replay import sign_in  # noqa: E402

PANEL = "vendor-scorecard"
TARGET_MS = 5.0


def serve(app) -> tuple[object, str]:
    from werkzeug.serving import make_server
    port = free_port()
    server = make_server("127.0.0.1", port, app.server, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{port}"


def without_guard(app):
    """The baseline: the same app with the sign-in guard replaced by a fixed user (no cookie, no
    store lookup, no CSRF check): the reads still need someone to scope them to."""
    from dashboards.auth.context import set_user
    from dashboards.auth.roles import User

    def _fixed_user():
        set_user(User("bench", "analyst"))

    hooks = app.server.before_request_funcs[None]
    hooks[:] = [_fixed_user if f.__name__ == "_guard" else f for f in hooks]
    return app


def body() -> dict:
    panel = {"name": PANEL, "type": "block-query"}
    return {"output": '{"name":["MATCH"],"type":"block"}.children',
            "outputs": {"id": {"name": PANEL, "type": "block"}, "property": "children"},
            "inputs": [{"id": panel, "property": "data", "value": {"search": ""}},
                       {"id": "theme-store", "property": "data", "value": "light"}],
            "state": [{"id": panel, "property": "id", "value": panel}], "changedPropIds": []}


def timed(session: requests.Session, url: str) -> float:
    t0 = time.perf_counter()
    resp = session.post(url + "/_dash-update-component", json=body(), timeout=60)
    elapsed = time.perf_counter() - t0
    if resp.status_code != 200:
        raise SystemExit(f"{url}: {resp.status_code} {resp.text[:200]}")
    return elapsed * 1000


def stats(ms: list[float]) -> dict:
    return {"n": len(ms), "mean_ms": round(statistics.fmean(ms), 3), "p50_ms": round(percentile(ms, .5), 3),
            "p95_ms": round(percentile(ms, .95), 3)}


def lookup_us(users_path: Path, sid: str, n: int = 2000) -> float:
    from dashboards.auth import store
    t0 = time.perf_counter()
    for _ in range(n):
        assert store.session_user(users_path, sid) is not None
    return (time.perf_counter() - t0) / n * 1e6


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--db", type=Path, help="an existing warehouse instead of a generated one")
    ap.add_argument("--requests", type=int, default=400, help="per app")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()

    import logging
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    from core.config import Config
    from dashboards.app import create_app
    from dashboards.auth import store

    db = args.db or generate(args.rows, args.seed, 365)
    ensure_bench_user(db)
    config = replace(Config(db_path=db), serve_cache="simple", serve_warm_cache=False)
    guarded_server, guarded_url = serve(create_app(config))
    open_server, open_url = serve(without_guard(create_app(config)))
    guarded, plain = requests.Session(), requests.Session()
    sign_in(guarded, guarded_url)
    for _ in range(5):                       # fill each app's panel cache, open connections
        timed(guarded, guarded_url), timed(plain, open_url)
    with_login, without_login = [], []
    for _ in range(args.requests):
        with_login.append(timed(guarded, guarded_url))
        without_login.append(timed(plain, open_url))
    guarded_server.shutdown(), open_server.shutdown()

    result = {
        "panel": PANEL, "rows": args.rows if not args.db else None, "db": str(db),
        "load_average": os.getloadavg(),
        "with_login": stats(with_login), "baseline_without_login": stats(without_login),
        "added_p50_ms": round(percentile(with_login, .5) - percentile(without_login, .5), 3),
        "added_mean_ms": round(statistics.fmean(with_login) - statistics.fmean(without_login), 3),
        "session_lookup_us": round(lookup_us(store.users_path(config), guarded.cookies["safetyops_session"]), 1),
        "peak_rss_mb": next(int(line.split()[1]) for line in open("/proc/self/status")
                            if line.startswith("VmHWM:")) / 1024,
        "target_ms": TARGET_MS,
    }
    result["met"] = result["added_p50_ms"] <= TARGET_MS
    print(json.dumps(result, indent=1))
    if args.out:
        args.out.write_text(json.dumps(result, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
