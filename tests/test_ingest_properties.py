"""Properties of loading: nothing is lost (read = loaded + rejected), loads in sequence keep the
newest version of every ticket (against a plain model of the rules), and no input crashes a reader."""
from __future__ import annotations

import csv
import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.errors import SafetyopsError
from core.warehouse import connect_memory
from tests.ingest_fixtures import CANONICAL_COLUMNS, ZENDESK_COLUMNS, canonical_row, load, zendesk_row

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

timestamps = st.one_of(
    st.datetimes(min_value=__import__("datetime").datetime(1899, 1, 1),
                 max_value=__import__("datetime").datetime(2030, 1, 1)).map(lambda d: d.isoformat() + "Z"),
    st.sampled_from(["", "not a date", "2026-02-30T00:00:00Z", "2026-03-02 10:00:00", "1900-01-01T00:00:00Z"]),
)
cell = st.one_of(st.text(max_size=12), st.sampled_from(["", "-1", "0", "5", "true", "maybe", "open", "solved"]))

canonical_rows = st.fixed_dictionaries({
    "ticket_id": st.one_of(st.just(""), st.text(alphabet="ABC123", min_size=1, max_size=3)),
    "created_at": timestamps, "updated_at": timestamps, "first_response_at": timestamps,
    "resolved_at": timestamps,
    "status": st.sampled_from(["open", "solved", "closed", "pending", "", "weird"]),
    "priority": st.sampled_from(["urgent", "high", "normal", "low", "", "p1"]),
    "escalated": st.sampled_from(["true", "false", "", "yes", "maybe"]),
    "reopen_count": st.sampled_from(["0", "1", "-2", "", "x"]),
    "qa_score": st.sampled_from(["", "50", "100.5", "abc"]),
    "csat": st.sampled_from(["", "1", "5", "6", "x"]),
    "abuse_category": st.sampled_from(["spam", "harassment", "", "Copyright"]),
})


@SETTINGS
@given(st.lists(canonical_rows, min_size=1, max_size=25))
def test_every_row_read_is_loaded_or_rejected(tmp_path_factory, config, rows):
    path = tmp_path_factory.mktemp("prop") / "t.csv"
    buf = io.StringIO()
    writer = csv.DictWriter(buf, CANONICAL_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for r in rows:
        writer.writerow(canonical_row(**r))
    path.write_text(buf.getvalue(), encoding="utf-8")
    con = connect_memory()
    result = load(con, path, config)
    n_tickets = con.execute("SELECT count(*) FROM tickets").fetchall()[0][0]
    n_rejected = con.execute("SELECT count(*) FROM rejected_rows").fetchall()[0][0]
    n_keys = con.execute("SELECT count(DISTINCT ticket_id) FROM tickets").fetchall()[0][0]
    assert result.rows_read == len(rows) == result.rows_loaded + result.rows_rejected
    assert n_rejected == result.rows_rejected
    assert n_tickets == n_keys == result.rows_inserted        # one row per key, newest wins
    assert result.rows_loaded == result.rows_inserted + result.rows_stale
    # nothing loaded breaks the schema's promises
    bad = con.execute("""SELECT count(*) FROM tickets WHERE resolved_at < created_at
        OR first_response_at < created_at OR reopen_count < 0 OR NOT (csat BETWEEN 1 AND 5)
        OR created_at < TIMESTAMPTZ '1970-01-01 00:00:00+00'""").fetchall()[0][0]
    assert bad == 0


@SETTINGS
@given(st.binary(max_size=600))
def test_arbitrary_bytes_are_rejected_cleanly_never_a_crash(tmp_path_factory, config, blob):
    path = tmp_path_factory.mktemp("fuzz") / "blob.csv"
    path.write_bytes(blob)
    con = connect_memory()
    try:
        result = load(con, path, config, source="canonical")
    except SafetyopsError:
        return
    assert result.rows_read == result.rows_loaded + result.rows_rejected


@SETTINGS
@given(st.lists(st.lists(cell, min_size=0, max_size=len(ZENDESK_COLUMNS) + 2), max_size=12))
def test_zendesk_reader_survives_ragged_and_garbage_rows(tmp_path_factory, config, records):
    path = tmp_path_factory.mktemp("fuzz") / "z.csv"
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(ZENDESK_COLUMNS)
    writer.writerow([zendesk_row()[c] for c in ZENDESK_COLUMNS])
    for rec in records:
        writer.writerow(rec)
    path.write_text(buf.getvalue(), encoding="utf-8")
    con = connect_memory()
    try:
        result = load(con, path, config, timezone_name="UTC")
    except SafetyopsError:
        return
    assert result.rows_read == result.rows_loaded + result.rows_rejected
    assert result.rows_read >= 1


# One version of a ticket: (ticket id, updated hour, marker). The marker (stored in `queue`) tells
# which version the warehouse kept.
versions = st.tuples(st.sampled_from(["T1", "T2", "T3"]), st.integers(0, 3), st.integers(0, 999))


def _newest_wins_model(loads: list[list[tuple]]) -> tuple[dict, list[tuple]]:
    """The upsert rules, plainly: in a file the latest updated_at wins, the later line on a tie;
    against the warehouse a strictly newer version replaces the stored one, a tie keeps it."""
    stored: dict[str, tuple[int, int]] = {}
    counts = []
    for rows in loads:
        winners: dict[str, tuple[int, int]] = {}
        for ticket, hour, marker in rows:
            if ticket not in winners or hour >= winners[ticket][0]:
                winners[ticket] = (hour, marker)
        inserted = sum(1 for t in winners if t not in stored)
        updated = sum(1 for t, (h, _) in winners.items() if t in stored and h > stored[t][0])
        for t, (h, m) in winners.items():
            if t not in stored or h > stored[t][0]:
                stored[t] = (h, m)
        counts.append((inserted, updated, len(rows) - inserted - updated))
    return {t: m for t, (_, m) in stored.items()}, counts


@SETTINGS
@given(st.lists(st.lists(versions, min_size=1, max_size=8), min_size=1, max_size=3))
def test_loads_in_sequence_keep_the_newest_version_of_each_ticket(tmp_path_factory, config, loads):
    folder = tmp_path_factory.mktemp("seq")
    con = connect_memory()
    counts = []
    for n, rows in enumerate(loads):
        path = folder / f"load{n}.csv"
        buf = io.StringIO()
        writer = csv.DictWriter(buf, CANONICAL_COLUMNS, lineterminator="\n")
        writer.writeheader()
        for ticket, hour, marker in rows:
            writer.writerow(canonical_row(ticket_id=ticket, created_at="2026-03-01T00:00:00Z",
                                          updated_at=f"2026-03-02T{hour:02d}:00:00Z", queue=f"m{marker}"))
        path.write_text(buf.getvalue(), encoding="utf-8")
        r = load(con, path, config, force=True)
        counts.append((r.rows_inserted, r.rows_updated, r.rows_stale))
    expected, expected_counts = _newest_wins_model(loads)
    kept = dict(con.execute("SELECT ticket_id, queue FROM tickets").fetchall())
    assert kept == {t: f"m{m}" for t, m in expected.items()}
    assert counts == expected_counts
