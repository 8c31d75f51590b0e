"""A warehouse written by an older safetyops is brought up to today's rules by the next writer,
once (core/upgrades.py)."""
from __future__ import annotations

from core.upgrades import RESOLVED_RULE_KEY
from core.warehouse import writing
from metrics.mart_state import stored_fingerprint
from metrics.marts import build_marts
from tests.ticket_factory import insert_tickets, ticket


def _old_warehouse(db, config):
    """Loaded before 2026-12-06: a closed ticket without a resolution date stayed unresolved."""
    with writing(db) as con:
        insert_tickets(con, [
            ticket("2026-03-01 10:00", ticket_id="closed-no-date", status="closed", updated_at="2026-03-04 09:30"),
            ticket("2026-03-01 11:00", ticket_id="solved-dated", status="solved", updated_at="2026-03-02 12:00",
                   resolved_at="2026-03-02 08:00"),
            ticket("2026-03-02 10:00", ticket_id="open", status="open")])
        build_marts(con, config)
        con.execute("DELETE FROM warehouse_meta WHERE key = ?", [RESOLVED_RULE_KEY])


def test_a_closed_ticket_without_a_date_is_resolved_at_its_latest_time_and_the_marts_set_aside(tmp_path, config):
    db = tmp_path / "old.duckdb"
    _old_warehouse(db, config)
    with writing(db) as con:
        rows = con.execute("SELECT ticket_id, strftime(resolved_at, '%Y-%m-%d %H:%M') FROM tickets "
                           "ORDER BY ticket_id").fetchall()
        assert rows == [("closed-no-date", "2026-03-04 09:30"), ("open", None), ("solved-dated", "2026-03-02 08:00")]
        assert stored_fingerprint(con) is None      # not served from the old backlog until rebuilt
        assert con.execute("SELECT value FROM warehouse_meta WHERE key = ?",
                           [RESOLVED_RULE_KEY]).fetchall() == [("1",)]


def test_the_upgrade_runs_once(tmp_path, config):
    db = tmp_path / "old.duckdb"
    _old_warehouse(db, config)
    with writing(db):
        pass
    with writing(db) as con:
        # a row written afterwards by hand (not by a load) is left as it is
        insert_tickets(con, [ticket("2026-03-05 10:00", ticket_id="later", status="solved")])
    with writing(db) as con:
        assert con.execute("SELECT resolved_at FROM tickets WHERE ticket_id = 'later'").fetchall() == [(None,)]
        assert con.execute("SELECT count(*) FROM warehouse_meta WHERE key = ?", [RESOLVED_RULE_KEY]).fetchall() == [(1,)]
