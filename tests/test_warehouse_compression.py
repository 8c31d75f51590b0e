"""A new warehouse writes reporter_hash and ticket_id with ZSTD (core/sql/schema.sql says why); its values read
back unchanged, and a warehouse created before keeps opening as it was."""
from __future__ import annotations

import duckdb

from core.warehouse import ensure_schema


def test_a_new_warehouse_stores_reporter_hashes_and_ticket_ids_as_zstd(tmp_path):
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    ensure_schema(con)
    con.execute("INSERT INTO tickets (source, ticket_id, created_at, updated_at, status, priority, channel, "
                "abuse_category, region, language, vendor, queue, escalated, high_profile, reopen_count, "
                "reporter_hash, load_run_id) SELECT 's', i::VARCHAR, now(), now(), 'open', 'normal', 'web', "
                "'spam', 'US', 'en', 'v', 'q', false, false, 0, sha256(i::VARCHAR), 1 FROM range(5000) r(i)")
    con.execute("CHECKPOINT")
    for column in ("reporter_hash", "ticket_id"):
        used = con.execute("SELECT DISTINCT compression FROM pragma_storage_info('tickets') "
                           "WHERE column_name = ? AND segment_type = 'VARCHAR'", [column]).fetchall()
        assert used == [("ZSTD",)], column
    assert con.execute("SELECT count(*) FROM tickets WHERE reporter_hash = sha256(ticket_id)").fetchall() == [(5000,)]
    assert con.execute("SELECT min(ticket_id::INTEGER), max(ticket_id::INTEGER), count(DISTINCT ticket_id) "
                       "FROM tickets").fetchall() == [(0, 4999, 5000)]


def test_a_warehouse_created_before_keeps_its_column_and_opens(tmp_path):
    from core.sql_files import sql_text
    before = sql_text("core", "schema.sql").replace(" USING COMPRESSION zstd", "")
    con = duckdb.connect(str(tmp_path / "old.duckdb"))
    con.execute(before)
    con.execute("INSERT INTO tickets (source, ticket_id, created_at, updated_at, status, priority, channel, "
                "abuse_category, region, language, vendor, queue, escalated, high_profile, reopen_count, "
                "reporter_hash, load_run_id) VALUES ('s', '1', now(), now(), 'open', 'normal', 'web', 'spam', "
                "'US', 'en', 'v', 'q', false, false, 0, 'ab', 1)")
    con.close()
    con = duckdb.connect(str(tmp_path / "old.duckdb"))
    ensure_schema(con)
    assert con.execute("SELECT reporter_hash FROM tickets").fetchall() == [("ab",)]
    assert "COMPRESSION" not in con.execute("SELECT sql FROM duckdb_tables() WHERE table_name = 'tickets'").fetchall()[0][0]
