"""`anomaly evaluate --sample`'s view of every family: incidents, false pages and alerts per planted
spike (safetyops/sample_incidents.py), on hand-built alerts."""
from __future__ import annotations

import pytest

from safetyops.sample_incidents import format_incidents, incidents_on_sample, touches

SPIKE = {"id": "spike-01", "abuse_category": "spam", "region": "US",
         "start": "2026-05-29T14:00:00Z", "end": "2026-06-02T14:00:00Z"}


def _row(anomaly_id, family="counts_daily", category="spam", region="US", start="2026-05-30", end=None,
         grain="day", severity="medium", parent=None):
    return {"anomaly_id": anomaly_id, "family": family, "abuse_category": category, "region": region,
            "start_at": f"{start} 00:00:00+00:00", "end_at": f"{end or start} 00:00:00+00:00", "grain": grain,
            "severity": severity, "parent_id": parent}


@pytest.mark.parametrize("row, expected", [
    (_row("a"), True),
    (_row("a", region="BR"), False),                          # another market
    (_row("a", category="hateful_conduct"), False),
    (_row("a", region=None), True),                           # category x language: matched on the category
    (_row("a", category=None), True),                         # a region's FRT p90: matched on the region
    (_row("a", start="2026-05-28"), False),                   # the day before ends at 05-29 00:00, before 14:00
    (_row("a", start="2026-05-29"), True),                    # the spike's first day
    (_row("a", start="2026-06-02"), True),                    # its last day, until 14:00
    (_row("a", start="2026-06-03"), False),
    (_row("a", start="2026-05-29", grain="hour"), False),     # 00:00-01:00 on the first day
])
def test_an_alert_touches_a_spike_where_its_dimensions_agree_and_its_span_overlaps(row, expected):
    assert touches(row, SPIKE) is expected


def test_incidents_false_pages_and_alerts_per_spike():
    rows = [
        _row("lead", family="counts_hourly", grain="hour", start="2026-05-29", severity="high"),
        _row("child1", family="mix_daily", severity="high", parent="lead"),
        _row("child2", family="counts_daily_language", region=None, severity="low", parent="lead"),
        _row("frt", family="frt_p90_daily", category=None, region="GB", start="2026-07-21", severity="medium"),
        _row("quiet", category="other", region="DE", start="2026-07-01", severity="low"),
    ]
    rows[0]["start_at"], rows[0]["end_at"] = "2026-05-29 15:00:00+00:00", "2026-05-29 20:00:00+00:00"
    spikes = [SPIKE, {**SPIKE, "id": "spike-02", "region": "BR"}]
    r = incidents_on_sample(rows, spikes)
    assert (r.n_incidents, r.n_paged, r.paged_off_spike) == (3, 2, 1)
    assert r.per_spike == {"spike-01": (3, 1), "spike-02": (1, 1)}   # the language alert has no region
    text = format_incidents(r)
    assert "3 incidents, 2 paged" in text and "1 of them on no planted spike" in text
    assert "spike-01 3 in 1 incident," in text


def test_a_sample_without_alerts_or_spikes():
    r = incidents_on_sample([], [])
    assert (r.n_incidents, r.n_paged, r.paged_off_spike, r.per_spike) == (0, 0, 0, {})
    assert "no spikes planted" in format_incidents(r)
