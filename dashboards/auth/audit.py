"""The append-only audit log (in the user store): sign-ins, failed sign-ins, triage and annotation
changes, user changes and API token use, each with who, when and from where.

Never a password or a token: callers pass names, ids and actions only. The table's triggers
refuse UPDATE and DELETE, so a written entry stays as written.
"""
from __future__ import annotations

import json
from pathlib import Path

from dashboards.auth.store import connect, stamp

ACTIONS = ("login", "login_failed", "login_throttled", "logout", "triage", "annotation", "write_refused",
           "user_add", "user_remove", "user_passwd", "token_new", "api")
MAX_DETAIL = 2000


def record(path: Path, action: str, who: str | None, target: str | None = None,
           detail: dict | str | None = None, remote: str | None = None) -> None:
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    text = detail if isinstance(detail, str) or detail is None else json.dumps(detail, sort_keys=True, default=str)
    with connect(path) as con:
        con.execute("INSERT INTO audit_log (at, who, action, target, detail, remote) VALUES (?, ?, ?, ?, ?, ?)",
                    (stamp(), (who or "")[:64] or None, action, (target or "")[:200] or None,
                     text[:MAX_DETAIL] if text else None, remote))


def entries(path: Path, limit: int = 100, action: str | None = None, who: str | None = None) -> list[dict]:
    """The newest entries first."""
    sql = "SELECT id, at, who, action, target, detail, remote FROM audit_log"
    where, params = [], []
    if action:
        where.append("action = ?")
        params.append(action)
    if who:
        where.append("who = ?")
        params.append(who)
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY id DESC LIMIT ?"
    params.append(int(limit))
    with connect(path) as con:
        return [dict(r) for r in con.execute(sql, params).fetchall()]
