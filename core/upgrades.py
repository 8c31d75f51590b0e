"""What the next writer changes in a warehouse written by an older safetyops, once, in its
transaction: column types that changed, and stored rows an older loading rule left wrong.
(core/warehouse.py runs these after schema.sql on every writer's connection; each is a no-op once done.)
"""
from __future__ import annotations

import logging

import duckdb

log = logging.getLogger(__name__)

# tickets.desk_minutes' fields (schema.sql; pipelines/canonical_fields.py EXTRA_FIELDS name the same)
DESK_MINUTES_FIELDS = ("first_response_business_minutes", "resolution_business_minutes", "requester_wait_minutes",
                       "requester_wait_business_minutes", "agent_wait_minutes", "agent_wait_business_minutes")
DESK_MINUTES_TYPE = "DOUBLE[]"
RESOLVED_RULE_KEY = "solved_without_date_resolved"


def upgrade_stored_data(con: duckdb.DuckDBPyConnection) -> None:
    _convert_struct_load_detail(con)
    _convert_json_desk_minutes(con)
    _name_desk_minutes(con)
    _resolve_solved_tickets_without_date(con)


def _convert_struct_load_detail(con: duckdb.DuckDBPyConnection) -> None:
    """Warehouses written before 2026-11-30 hold tickets.load_detail as a STRUCT; it becomes the
    JSON object with the same keys (schema.sql says why)."""
    if _tickets_column_type(con, "load_detail").startswith("STRUCT"):
        con.execute("ALTER TABLE tickets ALTER COLUMN load_detail SET DATA TYPE JSON USING to_json(load_detail)")


def _convert_json_desk_minutes(con: duckdb.DuckDBPyConnection) -> None:
    """Warehouses written on 2026-12-06 hold tickets.desk_minutes as a JSON object (or, for an
    hour, a STRUCT); it becomes the list of the same figures in DESK_MINUTES_FIELDS' order."""
    stored = _tickets_column_type(con, "desk_minutes")
    if stored == "JSON":
        items = ", ".join(f"CAST(desk_minutes->>'{name}' AS DOUBLE)" for name in DESK_MINUTES_FIELDS)
    elif stored.startswith("STRUCT"):
        items = ", ".join(f"desk_minutes.{name}" for name in DESK_MINUTES_FIELDS)
    else:
        return
    con.execute(f"ALTER TABLE tickets ALTER COLUMN desk_minutes SET DATA TYPE {DESK_MINUTES_TYPE} "
                f"USING CASE WHEN desk_minutes IS NOT NULL THEN [{items}] END")


def _name_desk_minutes(con: duckdb.DuckDBPyConnection) -> None:
    """The view that names desk_minutes' figures, for anyone querying the warehouse."""
    figures = ", ".join(f"desk_minutes[{i}] AS {name}" for i, name in enumerate(DESK_MINUTES_FIELDS, start=1))
    con.execute(f"CREATE VIEW IF NOT EXISTS ticket_desk_minutes AS SELECT source, ticket_id, {figures} "
                "FROM tickets WHERE desk_minutes IS NOT NULL")


def _resolve_solved_tickets_without_date(con: duckdb.DuckDBPyConnection) -> None:
    """Loads before 2026-12-06 kept a solved or closed ticket without a resolution date unresolved,
    so it counted as open forever. Such a ticket is now resolved at its latest known time (the load
    rule of docs/mapping.md, "resolved_at"), which is its stored updated_at. Done once; the marts are
    then dropped from use (mart_meta removed) so that no metric is served from the old backlog until
    the next refresh rebuilds them."""
    done = con.execute("SELECT count(*) FROM warehouse_meta WHERE key = ?", [RESOLVED_RULE_KEY]).fetchall()[0][0]
    if done:
        return
    n_fixed = con.execute("UPDATE tickets SET resolved_at = updated_at "
                          "WHERE status IN ('solved', 'closed') AND resolved_at IS NULL").fetchall()[0][0]
    if n_fixed:
        con.execute("DROP TABLE IF EXISTS mart_meta")
        log.info("%s solved or closed tickets without a resolution date resolved at their latest known time",
                 n_fixed)
    con.execute("INSERT INTO warehouse_meta VALUES (?, ?)", [RESOLVED_RULE_KEY, str(n_fixed)])


def _tickets_column_type(con: duckdb.DuckDBPyConnection, column: str) -> str:
    found = con.execute(
        "SELECT data_type FROM duckdb_columns() WHERE database_name = current_database() "
        "AND schema_name = 'main' AND table_name = 'tickets' AND column_name = ?", [column]).fetchall()
    return found[0][0] if found else ""
