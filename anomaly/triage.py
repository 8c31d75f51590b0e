"""Triage state and annotations in a small SQLite store beside the warehouse (config.triage_path).

It is separate from the DuckDB warehouse so that the web app can write it without the warehouse
writer lock and a full rebuild of the warehouse keeps every acknowledgement and note.
"""
from __future__ import annotations

import sqlite3
from contextlib import closing, contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable, Iterator

from anomaly.calendar import ACTIONS, DEFAULT_ACTION, KINDS, Event, make_event
from core.errors import InputError, NotWritable, is_read_only_error
from core.sql_files import sql_text

STATUSES = ("new", "acknowledged", "resolved", "false_positive")
# Longest note, name and label stored: the web form's own limits, enforced here for every writer.
MAX_NOTE = 2000
MAX_WHO = 80
MAX_LABEL = 120


class TriageError(InputError):
    """A triage status, kind or anomaly id is not valid."""


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


@contextmanager
def connect(path: Path) -> Iterator[sqlite3.Connection]:
    """A connection with the schema; commits on success. WAL so readers never block the writer.
    A store that cannot be written (read-only folder or file) raises NotWritable naming it."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with closing(sqlite3.connect(path, timeout=30)) as con:
            con.row_factory = sqlite3.Row
            con.execute("PRAGMA journal_mode=WAL")
            con.executescript(sql_text("anomaly", "triage_schema.sql"))
            with con:
                yield con
    except (sqlite3.OperationalError, OSError) as exc:
        if _is_read_only(exc):
            raise NotWritable(f"{path}: the triage store cannot be written ({exc}); its folder "
                              f"{path.parent} and the file must be writable. Nothing was changed.") from exc
        raise


@contextmanager
def reading(path: Path) -> Iterator[sqlite3.Connection]:
    """`connect` for reads; in a folder nobody may write (a read-only deployment) the store is
    opened read-only and immutable instead, so listing alerts never needs write access."""
    opened = False
    try:
        with connect(path) as con:
            opened = True
            yield con
        return
    except NotWritable:
        if opened:            # the read itself failed: not a question of where the store lives
            raise
    uri = f"{Path(path).resolve().as_uri()}?mode=ro&immutable=1"
    with closing(sqlite3.connect(uri, uri=True, timeout=30)) as con:
        con.row_factory = sqlite3.Row
        yield con


def _is_read_only(exc: BaseException) -> bool:
    if isinstance(exc, sqlite3.OperationalError):
        text = str(exc).lower()
        return "readonly" in text or "unable to open database" in text
    return is_read_only_error(exc)


def set_status(path: Path, anomaly_id: str, status: str, note: str | None = None,
               who: str | None = None) -> dict:
    """Set an alert's triage status (and note); returns the stored state."""
    if status not in STATUSES:
        raise TriageError(f"status {status!r}; valid: {', '.join(STATUSES)}")
    if not anomaly_id:
        raise TriageError("an anomaly id is required")
    _check_length("note", note, MAX_NOTE)
    _check_length("who", who, MAX_WHO)
    at = _now()
    with connect(path) as con:
        old = con.execute("SELECT note FROM triage WHERE anomaly_id = ?", (anomaly_id,)).fetchone()
        keep_note = note if note is not None else (old["note"] if old else None)
        con.execute("INSERT INTO triage (anomaly_id, status, note, who, updated_at) VALUES (?, ?, ?, ?, ?) "
                    "ON CONFLICT (anomaly_id) DO UPDATE SET status = excluded.status, note = excluded.note, "
                    "who = excluded.who, updated_at = excluded.updated_at",
                    (anomaly_id, status, keep_note, who, at))
        con.execute("INSERT INTO triage_log VALUES (?, ?, ?, ?, ?)", (anomaly_id, status, note, who, at))
    return {"anomaly_id": anomaly_id, "status": status, "note": keep_note, "who": who, "updated_at": at}


def _check_length(what: str, text: str | None, limit: int) -> None:
    if text is not None and len(text) > limit:
        raise TriageError(f"{what} is {len(text):,} characters long; at most {limit:,} are kept")


def get_states(path: Path, ids: Iterable[str] | None = None) -> dict[str, dict]:
    """anomaly_id -> {status, note, who, updated_at}; ids never triaged are absent (status new)."""
    if not Path(path).exists():
        return {}
    with reading(path) as con:
        rows = con.execute("SELECT anomaly_id, status, note, who, updated_at FROM triage").fetchall()
    wanted = set(ids) if ids is not None else None
    return {r["anomaly_id"]: dict(r) for r in rows if wanted is None or r["anomaly_id"] in wanted}


def state_of(path: Path, anomaly_id: str) -> dict:
    """One alert's triage state; an alert never triaged is "new"."""
    state = get_states(path, [anomaly_id]).get(anomaly_id, {})
    return {"status": state.get("status", "new"), "note": state.get("note"), "who": state.get("who"),
            "updated_at": state.get("updated_at")}


def history(path: Path, anomaly_id: str) -> list[dict]:
    if not Path(path).exists():
        return []
    with reading(path) as con:
        rows = con.execute("SELECT * FROM triage_log WHERE anomaly_id = ? ORDER BY changed_at",
                           (anomaly_id,)).fetchall()
    return [dict(r) for r in rows]


def unseen(path: Path, ids: Iterable[str]) -> list[str]:
    """The ids never recorded by `mark_seen`, in input order (reads only)."""
    ids = list(dict.fromkeys(ids))
    if not Path(path).exists():
        return ids
    with reading(path) as con:
        known = {r[0] for r in con.execute("SELECT anomaly_id FROM seen")}
    return [i for i in ids if i not in known]


def mark_seen(path: Path, ids: Iterable[str]) -> set[str]:
    """Record ids as reported; returns those never seen before."""
    with connect(path) as con:
        return record_seen(con, ids)


def record_seen(con: sqlite3.Connection, ids: Iterable[str]) -> set[str]:
    """`mark_seen` inside the caller's transaction (the webhook outbox queues a message with it)."""
    ids = list(dict.fromkeys(ids))
    at = _now()
    known = {r[0] for r in con.execute("SELECT anomaly_id FROM seen")}
    fresh = [i for i in ids if i not in known]
    con.executemany("INSERT INTO seen VALUES (?, ?)", [(i, at) for i in fresh])
    return set(fresh)


def carry_over(path: Path, successors: dict[str, str]) -> list[str]:
    """Give each alert the triage of the alert it continues ({new id: old id}), unless it has its
    own already; the log says where it came from. Returns the ids that took a state over."""
    taken = []
    with connect(path) as con:
        for new, old in successors.items():
            state = con.execute("SELECT status, note, who FROM triage WHERE anomaly_id = ?", (old,)).fetchone()
            if state is None or con.execute("SELECT 1 FROM triage WHERE anomaly_id = ?", (new,)).fetchone():
                continue
            at = _now()
            con.execute("INSERT INTO triage (anomaly_id, status, note, who, updated_at) VALUES (?, ?, ?, ?, ?)",
                        (new, state["status"], state["note"], state["who"], at))
            con.execute("INSERT INTO triage_log VALUES (?, ?, ?, ?, ?)",
                        (new, state["status"], f"carried over from alert {old}, which this one replaced",
                         state["who"], at))
            taken.append(new)
    return taken


def add_annotation(path: Path, start: str, end: str | None, label: str, kind: str,
                   category: str | None = None, region: str | None = None,
                   action: str | None = None, who: str | None = None) -> dict:
    """Store an annotated event; it is validated as a calendar event first."""
    if kind not in KINDS:
        raise TriageError(f"kind {kind!r}; valid: {', '.join(KINDS)}")
    action = action or DEFAULT_ACTION[kind]
    if action not in ACTIONS:
        raise TriageError(f"action {action!r}; valid: {', '.join(ACTIONS)}")
    if not (label or "").strip():
        raise TriageError("an annotation needs a label")
    _check_length("label", label, MAX_LABEL)
    _check_length("who", who, MAX_WHO)
    ev = make_event({"start": start, "end": end, "label": label, "kind": kind, "action": action,
                     "category": category, "region": region}, "annotation")
    with connect(path) as con:
        cur = con.execute(
            "INSERT INTO annotations (start_at, end_at, label, kind, action, abuse_category, region, who, "
            "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (ev.start.isoformat(), ev.end.isoformat(), label, kind, action, category, region, who, _now()))
        new_id = cur.lastrowid
    return {"annotation_id": new_id, "start_at": ev.start.isoformat(), "end_at": ev.end.isoformat(),
            "label": label, "kind": kind, "action": action, "abuse_category": category, "region": region,
            "who": who}


def delete_annotation(path: Path, annotation_id: int) -> dict:
    """Remove one annotation (the next detection no longer uses it); returns what was removed."""
    if not Path(path).exists():
        raise TriageError(f"no annotation {annotation_id}: no annotations yet")
    with connect(path) as con:
        row = con.execute("SELECT * FROM annotations WHERE annotation_id = ?", (annotation_id,)).fetchone()
        if row is None:
            raise TriageError(f"no annotation {annotation_id}; `safetyops annotate list` shows them")
        con.execute("DELETE FROM annotations WHERE annotation_id = ?", (annotation_id,))
    return dict(row)


def list_annotations(path: Path) -> list[dict]:
    if not Path(path).exists():
        return []
    with reading(path) as con:
        rows = con.execute("SELECT * FROM annotations ORDER BY start_at, annotation_id").fetchall()
    return [dict(r) for r in rows]


def annotation_events(path: Path) -> list[Event]:
    return [make_event({"start": a["start_at"], "end": a["end_at"], "label": a["label"], "kind": a["kind"],
                        "action": a["action"], "category": a["abuse_category"], "region": a["region"],
                        "who": a["who"]},
                       f"annotation {a['annotation_id']}") for a in list_annotations(path)]
