"""An export from an in-house queue database writes its dates as Unix times (1767225600, or
1767225600123 in milliseconds). The load says so and names `timestamps = "unix"`; the draft writes
it; such a mapping loads the instants exactly."""
from __future__ import annotations

from datetime import datetime, timezone

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines.field_expressions import unix_time
from safetyops.cli import main

HEADER = "Case Number,Opened,Last Modified Date,Status\n"
ROWS = ("A-1,1767225600,1767229200,open\n"          # 2026-01-01 00:00 and 01:00 UTC, seconds
        "A-2,1767312000123,1767315600000,solved\n"  # 2026-01-02 00:00:00.123 and 01:00 UTC, milliseconds
        "A-3,1767398400.5,1767402000,open\n")       # 2026-01-03 00:00:00.5, a fraction of a second


def run(capsys, *args) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.mark.parametrize("cell, expected", [
    ("1767225600", datetime(2026, 1, 1, tzinfo=timezone.utc)),
    ("1767225600123", datetime(2026, 1, 1, 0, 0, 0, 123000, tzinfo=timezone.utc)),
    ("1767225600.25", datetime(2026, 1, 1, 0, 0, 0, 250000, tzinfo=timezone.utc)),
    ("0", datetime(1970, 1, 1, tzinfo=timezone.utc)),
    ("2026-01-01", None), ("", None), ("nan", None), ("1e400", None), ("99999999999999999", None),
])
def test_a_cell_reads_as_the_instant_its_unix_time_names(cell, expected):
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    assert con.execute(f"SELECT {unix_time('$cell')}", {"cell": cell}).fetchone()[0] == expected


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=0, max_value=9_999_999_999), st.booleans())
def test_seconds_and_milliseconds_round_trip(seconds, as_milliseconds):
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    cell = str(seconds * 1000) if as_milliseconds and seconds >= 100_000_000 else str(seconds)
    got = con.execute(f"SELECT epoch({unix_time('$cell')})", {"cell": cell}).fetchone()[0]
    assert got == seconds


def test_a_rejected_load_names_unix_times_and_the_draft_loads_them(tmp_path, config_file, capsys):
    data = tmp_path / "queue.csv"
    data.write_text(HEADER + ROWS, encoding="utf-8")
    mapping = tmp_path / "naive.toml"
    mapping.write_text('[source]\nname = "queue"\ntimestamps = "naive"\ntimezone = "UTC"\n[fields]\n'
                       'ticket_id = "Case Number"\ncreated_at = "Opened"\nupdated_at = "Last Modified Date"\nstatus = "Status"\n',
                       encoding="utf-8")
    db = str(tmp_path / "w.duckdb")
    code, out, _ = run(capsys, "--db", db, "--config", str(config_file), "ingest", "--mapping", str(mapping), str(data))
    assert code == 1
    assert "such as '1767225600' match none of the formats queue reads (ISO 8601); they are Unix times" in out
    assert f'set [source] timestamps = "unix" in {mapping}' in out

    code, draft, err = run(capsys, "--config", str(config_file), "mapping", "draft", str(data), "--name", "queue")
    assert code == 0, err
    assert 'timestamps = "unix"' in draft and "timestamp_formats" not in draft
    mapping.write_text(draft, encoding="utf-8")
    code, out, err = run(capsys, "--db", db, "--config", str(config_file), "ingest", "--mapping", str(mapping), str(data))
    assert code == 0, err
    assert "loaded 3 + rejected 0" in out
    con = duckdb.connect(db, read_only=True)
    con.execute("SET TimeZone = 'UTC'")
    stored = con.execute("SELECT ticket_id, epoch(created_at), epoch(updated_at) FROM tickets ORDER BY 1").fetchall()
    assert stored == [("A-1", 1767225600.0, 1767229200.0), ("A-2", 1767312000.123, 1767315600.0),
                      ("A-3", 1767398400.5, 1767402000.0)]
