"""Time the detector: (1) 1,000 daily series x 730 days in one matrix (target <= 5 s);
(2) every hourly category x region series over one year of N tickets, from the warehouse
(target <= 60 s at 10M tickets), SQL aggregation + detection + alert grouping.

    .venv/bin/python benchmarks/bench_anomaly.py [--series 1000] [--days 730] [--tickets 1000000]
"""
from __future__ import annotations

import argparse
import time
from datetime import datetime, timedelta, timezone

import numpy as np
import pandas as pd

from anomaly.alerts import build_alerts
from anomaly.detector import evaluate_points
from anomaly.scan import scan_family
from anomaly.series import count_family
from anomaly.settings import DetectorSettings
from core.config import Config
from core.warehouse import connect_memory

CATEGORIES = 11
REGIONS = 12


def bench_matrix(n_series: int, days: int) -> float:
    rng = np.random.default_rng(0)
    index = pd.date_range("2025-01-01", periods=days, freq="D")
    weekly = np.where(index.day_of_week.to_numpy() >= 5, 0.7, 1.0)[:, None]
    levels = rng.lognormal(3, 1.5, n_series)[None, :]
    values = rng.poisson(levels * weekly).astype(float)
    spikes = rng.integers(min(60, days // 2), days, n_series)
    values[spikes, np.arange(n_series)] *= 3
    s = DetectorSettings()
    t0 = time.perf_counter()
    v = evaluate_points(values, 86400, s, is_counts=True)
    n_alerts = 0
    for col in np.flatnonzero(v.is_anomaly.any(axis=0)):
        n_alerts += len(build_alerts(index, values[:, col], v.expected[:, col], v.lower[:, col], v.upper[:, col],
                                     v.p_value[:, col], v.score[:, col], v.is_anomaly[:, col], v.sign[:, col],
                                     86400, True, s))
    elapsed = time.perf_counter() - t0
    found = v.is_anomaly[spikes, np.arange(n_series)].mean()
    print(f"matrix: {n_series} series x {days} days: {elapsed:.2f} s, {n_alerts} alerts, "
          f"planted 3x day flagged in {100 * found:.0f}% of series")
    return elapsed


def synthetic_tickets(con, n_tickets: int) -> None:
    """n tickets over 365 days with a daily cycle, spread over categories x regions (SQL, no Python rows)."""
    con.execute("""
        INSERT INTO tickets (source, ticket_id, created_at, updated_at, status, priority, channel,
                             abuse_category, region, language, vendor, queue, escalated, high_profile,
                             reopen_count, load_run_id)
        SELECT 'bench', i::VARCHAR,
               TIMESTAMPTZ '2025-01-01 00:00:00+00' + to_seconds(CAST(floor(365 * 86400 * pow(random(), 1.0)) AS BIGINT)),
               TIMESTAMPTZ '2025-01-01 00:00:00+00', 'open', 'normal', 'web',
               'cat_' || CAST(floor(pow(random(), 2) * $cats) AS INTEGER),
               'R' || CAST(floor(pow(random(), 1.5) * $regions) AS INTEGER),
               'en', 'in_house', 'general', false, false, 0, 0
        FROM range($n) t(i)
    """, {"n": n_tickets, "cats": CATEGORIES, "regions": REGIONS})


def bench_warehouse(n_tickets: int) -> float:
    con = connect_memory()
    t0 = time.perf_counter()
    synthetic_tickets(con, n_tickets)
    load = time.perf_counter() - t0
    config = Config()
    t0 = time.perf_counter()
    family = count_family(con, config, "hour", ("abuse_category", "region"),
                          datetime(2024, 1, 1, tzinfo=timezone.utc) - timedelta(days=1), "counts_hourly")
    sql = time.perf_counter() - t0
    _, found = scan_family(family, DetectorSettings(), [])
    total = time.perf_counter() - t0
    print(f"warehouse: {n_tickets:,} tickets (made in {load:.1f} s), {len(family.keys)} hourly series x "
          f"{len(family.index)} hours: SQL {sql:.2f} s, scan total {total:.2f} s, {len(found)} alerts")
    con.close()
    return total


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--series", type=int, default=1000)
    ap.add_argument("--days", type=int, default=730)
    ap.add_argument("--tickets", type=int, default=1_000_000)
    args = ap.parse_args()
    bench_matrix(args.series, args.days)
    bench_warehouse(args.tickets)


if __name__ == "__main__":
    main()
