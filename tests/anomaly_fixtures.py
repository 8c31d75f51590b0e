"""Synthetic series and ticket tables with known, planted anomalies for the anomaly tests."""
from __future__ import annotations

import numpy as np
import pandas as pd

HOURS_PER_WEEK = 24 * 7


def weekly_cycle_means(index: pd.DatetimeIndex, level: float) -> np.ndarray:
    """Daytime peak, quiet nights, weekends at 60%: the shape of real ticket inflow."""
    hour = index.hour.to_numpy()
    weekend = index.day_of_week.to_numpy() >= 5
    daily = 1 + 0.6 * np.sin(2 * np.pi * (hour - 6) / 24)
    return level * daily * np.where(weekend, 0.6, 1.0)


def hourly_counts(weeks: int = 8, level: float = 40.0, seed: int = 1,
                  start: str = "2026-01-05") -> pd.Series:
    index = pd.date_range(start, periods=weeks * HOURS_PER_WEEK, freq="h")
    rng = np.random.default_rng(seed)
    return pd.Series(rng.poisson(weekly_cycle_means(index, level)).astype(float), index=index)


def daily_counts(days: int = 120, level: float = 200.0, seed: int = 2, start: str = "2026-01-05") -> pd.Series:
    index = pd.date_range(start, periods=days, freq="D")
    weekend = index.day_of_week.to_numpy() >= 5
    rng = np.random.default_rng(seed)
    return pd.Series(rng.poisson(level * np.where(weekend, 0.7, 1.0)).astype(float), index=index)


def tickets_frame(counts: pd.DataFrame, seed: int = 3) -> pd.DataFrame:
    """One ticket row per count: `counts` has columns bucket_at (UTC naive), n, and any ticket dims
    (abuse_category, region, language, vendor, queue, channel, priority); tickets are spread
    evenly inside their hour."""
    rng = np.random.default_rng(seed)
    rows = counts.loc[counts.index.repeat(counts["n"].astype(int))].reset_index(drop=True)
    offsets = pd.to_timedelta(rng.integers(0, 3600, len(rows)), unit="s")
    created = (pd.to_datetime(rows["bucket_at"]) + offsets).dt.tz_localize("UTC")
    defaults = {"abuse_category": "spam", "region": "US", "language": "en", "vendor": "in_house",
                "queue": "general", "channel": "web", "priority": "normal"}
    out = pd.DataFrame({
        "source": "canonical", "ticket_id": [f"T{i}" for i in range(len(rows))],
        "created_at": created, "updated_at": created, "status": "open",
    })
    for col, default in defaults.items():
        out[col] = rows[col].to_numpy() if col in rows.columns else default
    if "frt_minutes" in rows.columns:
        out["first_response_at"] = created + pd.to_timedelta(rows["frt_minutes"].to_numpy(), unit="m")
        out["updated_at"] = out["first_response_at"]
    out["escalated"] = False
    out["high_profile"] = False
    out["reopen_count"] = 0
    out["load_run_id"] = 0
    return out


def insert_frame(con, frame: pd.DataFrame) -> None:
    con.register("fixture_tickets", frame)
    try:
        con.execute("INSERT INTO tickets BY NAME SELECT * FROM fixture_tickets")
    finally:
        con.unregister("fixture_tickets")


def planted_spike_tickets(weeks: int = 6, spike_day: int = 37, seed: int = 5) -> pd.DataFrame:
    """spam x BR hourly inflow with a weekly cycle; on `spike_day` 10:00-16:00 extra tickets arrive,
    90% in language 'pt' via vendor 'Bluepeak', the rest like the normal traffic (en / in_house)."""
    index = pd.date_range("2026-03-02", periods=weeks * HOURS_PER_WEEK, freq="h")
    rng = np.random.default_rng(seed)
    normal = rng.poisson(weekly_cycle_means(index, 20.0))
    parts = [pd.DataFrame({"bucket_at": index, "n": normal, "region": "BR", "language": "en",
                           "vendor": "in_house"})]
    spike_hours = index[(index.normalize() == index[0].normalize() + pd.Timedelta(days=spike_day))
                        & (index.hour >= 10) & (index.hour < 16)]
    extra = pd.DataFrame({"bucket_at": spike_hours, "n": 60, "region": "BR", "language": "pt",
                          "vendor": "Bluepeak"})
    extra_other = pd.DataFrame({"bucket_at": spike_hours, "n": 6, "region": "BR", "language": "en",
                                "vendor": "in_house"})
    other_region = pd.DataFrame({"bucket_at": index, "n": rng.poisson(weekly_cycle_means(index, 10.0)),
                                 "region": "US", "language": "en", "vendor": "in_house"})
    return tickets_frame(pd.concat(parts + [extra, extra_other, other_region], ignore_index=True), seed)


def daily_mix_and_frt_tickets(days: int = 70, event_day: int = 60, seed: int = 9) -> pd.DataFrame:
    """Region BR, four categories at steady shares, 200 tickets a day, answered in ~60 minutes.
    On `event_day` the total stays flat but harassment's share triples (a mix shift), and vendor
    'Bluepeak' answers in ~600 minutes (an ops spike in frt_p90)."""
    rng = np.random.default_rng(seed)
    cats = ("spam", "harassment", "impersonation", "hateful_conduct")
    normal = np.array([0.5, 0.1, 0.2, 0.2])
    shifted = np.array([0.3, 0.3, 0.2, 0.2])
    parts = []
    for d in range(days):
        day = pd.Timestamp("2026-03-02") + pd.Timedelta(days=d)
        counts = rng.multinomial(200, shifted if d == event_day else normal)
        for cat, n in zip(cats, counts):
            for vendor in ("in_house", "Bluepeak"):
                slow = d == event_day and vendor == "Bluepeak"
                hours = rng.integers(0, 24, n // 2)
                parts.append(pd.DataFrame({
                    "bucket_at": day + pd.to_timedelta(hours, unit="h"), "n": 1, "abuse_category": cat,
                    "region": "BR", "vendor": vendor,
                    "frt_minutes": rng.normal(600 if slow else 60, 5, n // 2).clip(1)}))
    return tickets_frame(pd.concat(parts, ignore_index=True), seed)
