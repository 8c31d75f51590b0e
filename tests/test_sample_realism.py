"""The simulated ticket stream is realistic: per-ticket invariants, open tickets at the end,
sample shares, rich dimensions, vendor and priority behaviour, local-time seasonality, and planted
spikes that really raise their series. Plus a property test over random small options.
"""
from __future__ import annotations

import json
import math
import tempfile
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import duckdb
from hypothesis import given, settings
from hypothesis import strategies as st

from sample_data.generator import SampleOptions, generate_export, parse_formats

from tests.sample_fixtures import (EXPORT_TZ, REGION_ZONES, WINDOW_END, con, export,  # noqa: F401
                                   one, rows)

CANONICAL_TYPES = {
    "ticket_id": "VARCHAR", "source": "VARCHAR", "created_at": "TIMESTAMPTZ",
    "updated_at": "TIMESTAMPTZ", "first_response_at": "TIMESTAMPTZ", "resolved_at": "TIMESTAMPTZ",
    "status": "VARCHAR", "priority": "VARCHAR", "channel": "VARCHAR", "abuse_category": "VARCHAR",
    "region": "VARCHAR", "language": "VARCHAR", "vendor": "VARCHAR", "queue": "VARCHAR",
    "agent_id": "VARCHAR", "escalated": "BOOLEAN", "high_profile": "BOOLEAN",
    "reopen_count": "INTEGER", "qa_score": "DOUBLE", "csat": "INTEGER",
    "reporter_hash": "VARCHAR", "tags": "VARCHAR"}


# --- invariants per ticket --------------------------------------------------------------------

INVARIANT_VIOLATIONS = """
    SELECT count(*) FILTER (WHERE first_response_at < created_at),
           count(*) FILTER (WHERE first_response_at > updated_at),
           count(*) FILTER (WHERE resolved_at < created_at OR resolved_at > updated_at),
           count(*) FILTER (WHERE (status IN ('solved', 'closed')) <> (resolved_at IS NOT NULL)),
           count(*) FILTER (WHERE resolved_at IS NOT NULL AND first_response_at IS NULL),
           count(*) FILTER (WHERE reopen_count < 0),
           count(*) FILTER (WHERE qa_score < 0 OR qa_score > 100),
           count(*) FILTER (WHERE csat NOT BETWEEN 1 AND 5),
           count(*) FILTER (WHERE (qa_score IS NOT NULL OR csat IS NOT NULL)
                            AND resolved_at IS NULL),
           count(*) FILTER (WHERE updated_at > $end OR created_at >= $end OR created_at < $start),
           count(*) FILTER (WHERE status NOT IN
                            ('new', 'open', 'pending', 'on_hold', 'solved', 'closed'))
    FROM c"""


def test_ticket_invariants(con):
    violations = con.execute(INVARIANT_VIOLATIONS, {"start": WINDOW_END - timedelta(days=60),
                                                    "end": WINDOW_END}).fetchall()[0]
    assert violations == (0,) * 11


@settings(max_examples=12, deadline=None)
@given(seed=st.integers(0, 2**32), days=st.integers(1, 40), per_day=st.integers(1, 80),
       start=st.dates(date(2020, 1, 1), date(2030, 12, 31)),
       zone=st.sampled_from(["UTC", "Europe/Berlin", "America/New_York", "Australia/Lord_Howe",
                             "Asia/Kolkata"]))
def test_any_options_give_consistent_exports(seed, days, per_day, start, zone):
    options = SampleOptions(start=start, days=days, per_day=per_day, seed=seed,
                            export_timezone=zone, formats=parse_formats("all"))
    with tempfile.TemporaryDirectory() as folder:
        result = generate_export(folder, options)
        counts = {Path(p).name: n for p, n in result.files.items()}
        assert {counts[f] for f in ("tickets_canonical.csv", "tickets_zendesk.csv", "cases.csv",
                                    "tickets_jira.csv")} == {result.tickets}
        db = duckdb.connect()
        db.execute("SET TimeZone = 'UTC'")
        db.execute(f"""CREATE TABLE c AS SELECT * FROM read_csv(
            '{Path(folder) / "tickets_canonical.csv"}', header = true, columns = $types)""",
                   {"types": CANONICAL_TYPES})
        window_start = datetime(start.year, start.month, start.day, tzinfo=timezone.utc)
        window = {"start": window_start, "end": window_start + timedelta(days=days)}
        assert db.execute("SELECT count(*) FROM c").fetchall()[0][0] == result.tickets
        assert db.execute(INVARIANT_VIOLATIONS, window).fetchall()[0] == (0,) * 11
        for spike in result.spikes:
            spike_start = datetime.fromisoformat(spike["start"].replace("Z", "+00:00"))
            assert spike_start >= window_start + timedelta(days=28)
            assert datetime.fromisoformat(spike["end"].replace("Z", "+00:00")) <= window["end"]
        db.close()


def test_open_tickets_at_the_end_are_mostly_recent(con):
    recent, old = rows(con, """
        SELECT avg((resolved_at IS NULL)::INT) FILTER (WHERE created_at >= $end - INTERVAL 2 DAY),
               avg((resolved_at IS NULL)::INT) FILTER (WHERE created_at < $end - INTERVAL 30 DAY)
        FROM c""".replace("$end", "TIMESTAMPTZ '2026-06-30 00:00:00+00'"))[0]
    assert recent > 0.3 and 0 < old < 0.05
    assert one(con, "SELECT count(*) FROM c WHERE first_response_at IS NULL") > 0
    assert one(con, "SELECT count(*) FROM c WHERE reopen_count > 0") > 0
    assert one(con, "SELECT count(*) FROM c WHERE escalated") > 0


def test_samples_and_shares(con):
    qa, csat, high_profile = rows(con, """
        SELECT count(qa_score) / count(resolved_at), count(csat) / count(resolved_at),
               avg(high_profile::INT) FROM c""")[0]
    assert 0.08 < qa < 0.12 and 0.27 < csat < 0.33 and 0.01 < high_profile < 0.035


def test_dimensions_are_rich_enough(con):
    regions, languages, vendors = rows(con, """SELECT count(DISTINCT region),
        count(DISTINCT language), count(DISTINCT vendor) FROM c""")[0]
    assert regions >= 8 and languages >= 15 and vendors >= 5


def test_vendors_differ_and_urgent_is_answered_fastest(con):
    by_vendor = rows(con, """
        SELECT vendor, median(epoch(first_response_at - created_at) / 60), avg(qa_score)
        FROM c WHERE priority = 'normal' GROUP BY vendor""")
    medians = [r[1] for r in by_vendor]
    qa_means = [r[2] for r in by_vendor]
    assert max(medians) > 2 * min(medians) and max(qa_means) - min(qa_means) > 8
    by_priority = dict(rows(con, """SELECT priority, median(epoch(first_response_at - created_at))
                                    FROM c GROUP BY priority"""))
    assert by_priority["urgent"] < by_priority["high"] < by_priority["normal"] < by_priority["low"]


def test_seasonality_follows_local_time(con):
    """Each big region peaks in its local evening and troughs at night; UTC peaks differ."""
    utc_peaks = {}
    for region in ("US", "BR", "IN", "JP"):
        local = dict(rows(con, f"""SELECT hour(timezone('{REGION_ZONES[region]}', created_at)),
                                   count(*) FROM c WHERE region = $1 GROUP BY 1""", region))
        peak = max(local, key=local.get)
        trough = min(local, key=local.get)
        assert 17 <= peak <= 22 and 1 <= trough <= 6
        assert local[peak] > 3 * local[trough]
        utc = dict(rows(con, "SELECT hour(created_at), count(*) FROM c WHERE region = $1 "
                             "GROUP BY 1", region))
        utc_peaks[region] = max(utc, key=utc.get)
    assert len(set(utc_peaks.values())) >= 3


# --- spikes and ground truth ------------------------------------------------------------------

def test_ground_truth_document(export):
    truth = json.loads((export / "ground_truth.json").read_text())
    assert {k: truth[k] for k in ("seed", "start", "days", "per_day", "export_timezone")} == {
        "seed": 11, "start": "2026-05-01", "days": 60, "per_day": 300, "export_timezone": EXPORT_TZ}
    assert len(truth["spikes"]) == 2
    warm_up_end = datetime(2026, 5, 29, tzinfo=timezone.utc)
    series = set()
    for spike in truth["spikes"]:
        start = datetime.fromisoformat(spike["start"].replace("Z", "+00:00"))
        end = datetime.fromisoformat(spike["end"].replace("Z", "+00:00"))
        assert warm_up_end <= start < end <= WINDOW_END
        assert (end - start) in [timedelta(days=d) for d in (1, 2, 3, 4)]
        assert 1.5 <= spike["multiplier"] <= 5.0
        assert spike["abuse_category"] != "other"
        series.add((spike["abuse_category"], spike["region"]))
    assert len(series) == len(truth["spikes"])


def test_spikes_raise_their_series(export, con):
    truth = json.loads((export / "ground_truth.json").read_text())
    for spike in truth["spikes"]:
        where = ("abuse_category = $1 AND region = $2")
        args = (spike["abuse_category"], spike["region"], spike["start"], spike["end"])
        inside, planted_language, planted_vendor = rows(con, f"""
            SELECT count(*), count(*) FILTER (WHERE language = $5),
                   count(*) FILTER (WHERE vendor = $6)
            FROM c WHERE {where}
              AND created_at >= $3::TIMESTAMPTZ AND created_at < $4::TIMESTAMPTZ""",
            *args, spike["top_language"], spike["top_vendor"])[0]
        days = (datetime.fromisoformat(spike["end"][:-1]) -
                datetime.fromisoformat(spike["start"][:-1])).days
        baseline = spike["baseline_per_day"] * days
        # inside = Poisson(baseline) + the realised extra tickets
        assert abs(inside - baseline - spike["extra_tickets"]) <= 4 * math.sqrt(baseline) + 2
        expected_extra = baseline * (spike["multiplier"] - 1)
        assert abs(spike["extra_tickets"] - expected_extra) <= 4 * math.sqrt(expected_extra) + 2
        normal_daily = one(con, f"""
            SELECT count(*) / count(DISTINCT created_at::DATE) FROM c
            WHERE {where} AND (created_at < $3::TIMESTAMPTZ OR created_at >= $4::TIMESTAMPTZ)""",
            *args)
        assert inside / days > 1.3 * normal_daily
        # the planted contributor carries most of the extra tickets
        assert planted_language >= 0.6 * spike["extra_tickets"]
        assert planted_vendor >= 0.6 * spike["extra_tickets"]




def test_weekends_are_busier_than_midweek_in_local_time(con):
    """Weekly seasonality: local Sunday volume beats local Wednesday volume, region by region."""
    busier = 0
    for region, zone in REGION_ZONES.items():
        by_weekday = dict(rows(con, f"""
            SELECT isodow(timezone('{zone}', created_at)),
                   count(*) / count(DISTINCT timezone('{zone}', created_at)::DATE)
            FROM c WHERE region = $1 GROUP BY 1""", region))
        busier += by_weekday[7] > by_weekday[3]
    assert busier >= 8
