"""Build canonical tickets by hand for metric and detector fixtures you can check on paper."""
from __future__ import annotations

from datetime import datetime, timezone

import duckdb

TICKET_COLUMNS = (
    "source", "ticket_id", "created_at", "updated_at", "first_response_at", "resolved_at",
    "status", "priority", "channel", "abuse_category", "region", "language", "vendor", "queue",
    "agent_id", "escalated", "high_profile", "reopen_count", "qa_score", "csat", "reporter_hash",
    "tags", "load_run_id",
)

_counter = iter(range(1, 10**9))


def utc(text: str) -> datetime:
    """'2026-03-01 10:00' -> aware UTC datetime."""
    return datetime.fromisoformat(text).replace(tzinfo=timezone.utc)


def ticket(created: str, **overrides) -> dict:
    """One ticket created at `created` (UTC, 'YYYY-MM-DD HH:MM'); every other column defaulted."""
    created_at = utc(created)
    row = {
        "source": "canonical", "ticket_id": f"T{next(_counter)}", "created_at": created_at,
        "updated_at": created_at, "first_response_at": None, "resolved_at": None,
        "status": "open", "priority": "normal", "channel": "web", "abuse_category": "spam",
        "region": "US", "language": "en", "vendor": "in_house", "queue": "general",
        "agent_id": None, "escalated": False, "high_profile": False, "reopen_count": 0,
        "qa_score": None, "csat": None, "reporter_hash": None, "tags": [], "load_run_id": 0,
    }
    for key, value in overrides.items():
        if key not in row:
            raise KeyError(f"unknown ticket column {key!r}")
        if key.endswith("_at") and isinstance(value, str):
            value = utc(value)
        row[key] = value
    if row["resolved_at"] is not None and "status" not in overrides:
        row["status"] = "solved"
    latest = max(t for t in (row["created_at"], row["first_response_at"], row["resolved_at"]) if t)
    if "updated_at" not in overrides:
        row["updated_at"] = latest
    return row


def insert_tickets(con: duckdb.DuckDBPyConnection, rows: list[dict]) -> None:
    placeholders = ", ".join("?" for _ in TICKET_COLUMNS)
    con.executemany(
        f"INSERT INTO tickets ({', '.join(TICKET_COLUMNS)}) VALUES ({placeholders})",
        [[r[c] for c in TICKET_COLUMNS] for r in rows],
    )
