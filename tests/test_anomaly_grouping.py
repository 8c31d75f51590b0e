"""One incident, one lead: alerts whose slices nest and whose spans overlap are grouped."""
from __future__ import annotations

import json

import pandas as pd

from anomaly.grouping import group_alerts, group_severity


def row(i, family, dims, start, end, severity="low", excess=10.0, grain="day", metric="inflow"):
    return {"anomaly_id": f"a{i}", "family": family, "metric": metric, "grain": grain,
            "series_key": "|".join(f"{k}={v}" for k, v in dims.items()), "dims_json": json.dumps(dims),
            "abuse_category": dims.get("abuse_category"), "region": dims.get("region"), "direction": "up",
            "start_at": pd.Timestamp(start, tz="UTC"), "end_at": pd.Timestamp(end, tz="UTC"),
            "severity": severity, "excess": excess}


US = {"abuse_category": "spam", "region": "US"}
BR = {"abuse_category": "spam", "region": "BR"}


def test_one_burst_across_nested_slices_is_one_group_led_by_the_hourly_count():
    rows = [row(1, "counts_daily", US, "2026-05-03", "2026-05-04", "critical", 900),
            row(2, "counts_hourly", US, "2026-05-03 10:00", "2026-05-04 18:00", "high", 800, grain="hour"),
            row(3, "counts_daily_language", {"abuse_category": "spam", "language": "en"}, "2026-05-03", "2026-05-03",
                "medium", 500),
            row(4, "counts_daily_vendor", {"abuse_category": "spam", "vendor": "Acme"}, "2026-05-04", "2026-05-04"),
            row(5, "counts_daily", BR, "2026-05-04", "2026-05-04", "medium", 100),      # another region: its own
            row(6, "counts_daily", US, "2026-06-20", "2026-06-20", "low", 40)]          # weeks later: its own
    group_alerts([(r, None) for r in rows])
    parent = {r["anomaly_id"]: r["parent_id"] for r in rows}
    assert parent == {"a1": "a2", "a2": None, "a3": "a2", "a4": "a2", "a5": None, "a6": None}
    related = json.loads(rows[1]["related_json"])
    assert [r["anomaly_id"] for r in related] == ["a1", "a3", "a4"]     # by explanatory rank
    assert group_severity(rows) == {"a2": "critical", "a5": "medium", "a6": "low"}


def test_a_region_less_slice_joins_the_overlapping_region_with_the_most_excess():
    rows = [row(1, "counts_daily", US, "2026-05-03", "2026-05-03", "high", 50),
            row(2, "counts_daily", BR, "2026-05-03", "2026-05-03", "high", 400),
            row(3, "counts_daily_language", {"abuse_category": "spam", "language": "pt"}, "2026-05-03",
                "2026-05-03", "high", 380)]
    group_alerts([(r, None) for r in rows])
    assert [r["parent_id"] for r in rows] == [None, None, "a2"]


def test_other_categories_and_frt_are_never_grouped():
    rows = [row(1, "counts_daily", US, "2026-05-03", "2026-05-03"),
            row(2, "counts_daily", {"abuse_category": "scam", "region": "US"}, "2026-05-03", "2026-05-03"),
            row(3, "frt_p90_daily", {"region": "US", "vendor": "Acme"}, "2026-05-03", "2026-05-03",
                metric="frt_p90")]
    rows[2]["abuse_category"] = None
    group_alerts([(r, None) for r in rows])
    assert [r["parent_id"] for r in rows] == [None, None, None]
    assert all(r["related_json"] == "[]" for r in rows)
