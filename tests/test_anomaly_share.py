"""Category-share alerts rest on ticket counts: no alert from a share of a handful of tickets or
against a baseline of 0, and severity from excess tickets (hand-computed daily fixture)."""
from __future__ import annotations

import pandas as pd
import pytest

from anomaly.api import series_with_band
from anomaly.warehouse_detection import collect_alerts
from core.config import load_config
from core.warehouse import connect_memory
from tests.anomaly_fixtures import insert_frame, tickets_frame

START = pd.Timestamp("2026-03-02")          # a Monday; 63 days, every week the same
DAYS = 63
MIX_DAY, BURST_DAY, TINY_DAY, SMALL_DAY = 56, 45, 50, 40

# region -> category -> tickets on every ordinary day
USUAL = {"US": {"spam": 100, "harassment": 20, "impersonation": 40, "hateful_conduct": 40},  # 200 a day
         "BR": {"spam": 300},
         "FR": {"spam": 30},
         "MX": {"spam": 60}}
# (day, region, category) -> tickets that day instead
EVENTS = {
    # mix shift at flat volume: harassment 20 -> 60 of 200 (share 10% -> 30%, +40 tickets)
    (MIX_DAY, "US", "harassment"): 60, (MIX_DAY, "US", "spam"): 60,
    # a category never seen in BR: 0 -> 12 of 312 (share 0% -> 3.8%)
    (BURST_DAY, "BR", "violent_extremism"): 12,
    # a tiny region: 0 -> 3 of 33 (share 0% -> 9%)
    (TINY_DAY, "FR", "child_safety"): 3,
    # a mid-size region: 0 -> 4 of 64 (share 0% -> 6%)
    (SMALL_DAY, "MX", "self_harm"): 4,
}


def share_tickets() -> pd.DataFrame:
    rows = []
    for d in range(DAYS):
        day = START + pd.Timedelta(days=d)
        for region, cats in USUAL.items():
            for cat, n in cats.items():
                rows.append({"bucket_at": day, "n": EVENTS.get((d, region, cat), n), "abuse_category": cat,
                             "region": region})
    for (d, region, cat), n in EVENTS.items():
        if cat not in USUAL[region]:
            rows.append({"bucket_at": START + pd.Timedelta(days=d), "n": n, "abuse_category": cat, "region": region})
    return tickets_frame(pd.DataFrame(rows))


@pytest.fixture(scope="module")
def scanned(tmp_path_factory):
    path = tmp_path_factory.mktemp("share") / "safetyops.toml"
    path.write_text('[warehouse]\npath = "wh.duckdb"\n[reporting]\ntimezone = "UTC"\n'
                    '[privacy]\nhash_key = "k"\n', encoding="utf-8")
    config = load_config(path)
    con = connect_memory()
    insert_frame(con, share_tickets())
    pairs, _ = collect_alerts(con, config, events=[])
    yield con, config, [r for r, _ in pairs if r["family"] == "share_daily"]
    con.close()


def share_alerts(rows, category: str, region: str) -> list[dict]:
    return [r for r in rows if r["series_key"] == f"abuse_category={category}|region={region}"]


@pytest.mark.parametrize("category, region, why", [
    ("child_safety", "FR", "0 -> 3 tickets in a region of 33 tickets a day"),
    ("self_harm", "MX", "0 -> 4 tickets: below the minimum count and the minimum excess"),
])
def test_no_share_alert_from_a_handful_of_tickets(scanned, category, region, why):
    _, _, rows = scanned
    assert share_alerts(rows, category, region) == [], why


def test_new_category_in_a_big_region_is_low_severity_from_its_tickets(scanned):
    _, _, rows = scanned
    alerts = share_alerts(rows, "violent_extremism", "BR")
    assert len(alerts) == 1
    a = alerts[0]
    assert pd.Timestamp(a["start_at"]) == pd.Timestamp(START + pd.Timedelta(days=BURST_DAY), tz="UTC")
    # 12 tickets against the count floor (0.2): +12 tickets is severity low, whatever the share ratio
    assert a["severity"] == "low"
    assert "12 tickets vs 0 expected" in a["explanation"]


def test_mix_shift_severity_comes_from_excess_tickets(scanned):
    _, _, rows = scanned
    alerts = share_alerts(rows, "harassment", "US")
    assert len(alerts) == 1
    a = alerts[0]
    assert pd.Timestamp(a["start_at"]) == pd.Timestamp(START + pd.Timedelta(days=MIX_DAY), tz="UTC")
    # expected = usual share 10% x 200 region tickets = 20; observed 60; +40 tickets is >= 25
    # (medium) and < 100 (high), and the tail probability is far below 1e-12.
    assert a["severity"] == "medium"
    assert a["observed"] == pytest.approx(0.3) and a["expected"] == pytest.approx(0.1)
    assert "60 tickets vs 20 expected" in a["explanation"] and "+40 tickets" in a["explanation"]


def test_only_the_planted_share_changes_alert(scanned):
    _, _, rows = scanned
    assert sorted(r["series_key"] for r in rows) == ["abuse_category=harassment|region=US",
                                                    "abuse_category=violent_extremism|region=BR"]


def test_drill_down_band_is_in_share_units_and_flags_the_alert_day(scanned):
    con, config, _ = scanned
    day = START + pd.Timedelta(days=MIX_DAY)
    series = series_with_band(con, config, "share_daily", {"abuse_category": "harassment", "region": "US"}, 7,
                              pd.Timestamp(day, tz="UTC"), pd.Timestamp(day, tz="UTC"))
    row = series.set_index("bucket_at").loc[day]
    assert row["value"] == pytest.approx(0.3) and row["expected"] == pytest.approx(0.1)
    assert row["lower"] <= 0.1 <= row["upper"] < 0.3
    assert bool(row["is_anomaly"])
    assert series.loc[series["bucket_at"] != day, "is_anomaly"].sum() == 0
