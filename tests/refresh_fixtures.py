"""Small canonical CSV exports and helpers for the refresh and report tests.

Files are written with the canonical header (docs/mapping.md), so they go through the real loader.
"""
from __future__ import annotations

import csv
import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import duckdb

CANONICAL_HEADER = (
    "ticket_id", "source", "created_at", "updated_at", "first_response_at", "resolved_at", "status",
    "priority", "channel", "abuse_category", "region", "language", "vendor", "queue", "agent_id",
    "escalated", "high_profile", "reopen_count", "qa_score", "csat", "reporter_hash", "tags",
)
REPO = Path(__file__).resolve().parents[1]
PYTHON = sys.executable

REGIONS = ("BR", "EMEA", "US")
VENDORS = ("acme", "in_house", "globex")
CATEGORIES = ("spam", "harassment", "hateful_conduct", "impersonation")
PRIORITIES = ("urgent", "high", "normal", "low")


def iso(t: dt.datetime | None) -> str:
    return "" if t is None else t.strftime("%Y-%m-%dT%H:%M:%SZ")


def ticket_row(i: int, created: dt.datetime, prefix: str = "T", **overrides) -> dict:
    """A deterministic ticket: every 5th still open, the rest answered and (mostly) resolved."""
    first = created + dt.timedelta(minutes=10 + (i * 37) % 600) if i % 5 else None
    resolved = created + dt.timedelta(hours=2 + (i * 13) % 70) if i % 5 and i % 7 else None
    row = {
        "ticket_id": f"{prefix}{i}", "source": "canonical", "created_at": iso(created),
        "updated_at": iso(resolved or first or created), "first_response_at": iso(first),
        "resolved_at": iso(resolved), "status": "solved" if resolved else ("open" if first else "new"),
        "priority": PRIORITIES[i % 4], "channel": "web", "abuse_category": CATEGORIES[i % len(CATEGORIES)],
        "region": REGIONS[i % 3], "language": "en", "vendor": VENDORS[(i // 3) % 3],
        "queue": f"queue_{i % 2}", "agent_id": f"a{i % 9}", "escalated": "true" if i % 11 == 0 else "false",
        "high_profile": "true" if i % 17 == 0 else "false", "reopen_count": str(i % 13 == 0),
        "qa_score": str(60 + i % 40) if resolved else "", "csat": str(1 + i % 5) if resolved else "",
        "reporter_hash": f"h{i % 50}", "tags": "a|b" if i % 2 else "",
    }
    row["reopen_count"] = "1" if i % 13 == 0 else "0"
    row.update(overrides)
    return row


def tickets_between(start: dt.datetime, days: int, per_day: int, prefix: str = "T", first_id: int = 0) -> list[dict]:
    rows = []
    i = first_id
    for d in range(days):
        for k in range(per_day):
            created = start + dt.timedelta(days=d, minutes=(k * 1439) // per_day)
            rows.append(ticket_row(i, created, prefix))
            i += 1
    return rows


def write_csv(path: Path, rows: list[dict]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    with open(tmp, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=CANONICAL_HEADER)
        writer.writeheader()
        writer.writerows(rows)
    os.replace(tmp, path)
    return path


def write_broken(path: Path) -> Path:
    """A file no source recognises: it must end in failed/ with a reason."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("foo,bar,baz\n1,2,3\n", encoding="utf-8")
    return path


def ticket_counts(db_path: Path) -> tuple[int, int]:
    """(rows in tickets, distinct (source, ticket_id)): equal when nothing is counted twice."""
    con = open_uncached(db_path)
    try:
        return con.execute("SELECT count(*), count(DISTINCT (source, ticket_id)) FROM tickets").fetchall()[0]
    finally:
        con.close()


def open_uncached(db_path: Path) -> duckdb.DuckDBPyConnection:
    """Read the file now at db_path. duckdb.connect(path) would hand back an instance already open
    in this process for that path, i.e. the file from before a swap; ATTACH opens the file anew."""
    con = duckdb.connect(":memory:")
    con.execute("ATTACH ? AS wh (READ_ONLY)", [str(db_path)])
    con.execute("USE wh")
    return con


def safetyops_cmd(config_file: Path, *args: str) -> list[str]:
    return [PYTHON, "-m", "safetyops.cli", "--config", str(config_file), *args]


def run_cli(config_file: Path, *args: str, env: dict | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run(safetyops_cmd(config_file, *args), cwd=REPO, capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=timeout)
