"""Users, API tokens and sessions in a SQLite file beside the warehouse (`<db>.users.sqlite`).

Beside the warehouse, not in it: a warehouse rebuild keeps every account, and the web app signs
people in without the warehouse writer lock. Passwords are hashed with werkzeug's scrypt; session
ids and API tokens are random 32-byte secrets stored only as SHA-256, so neither a copy of the
file nor the audit log lets anyone sign in.
"""
from __future__ import annotations

import hashlib
import os
import re
import secrets
import sqlite3
import threading
from contextlib import closing, contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Iterator

from werkzeug.security import check_password_hash, generate_password_hash

from core.config import Config
from core.sql_files import sql_text
from dashboards.auth.errors import AuthError, UnknownUser, UserExists
from dashboards.auth.roles import ROLES, User

NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")
MIN_PASSWORD = 10
MAX_PASSWORD = 1024          # scrypt work grows with the input: bound what a login can cost
MAX_VENDOR = 200
TOKEN_PREFIX = "so_"
# A hash to check against when the user does not exist, so a wrong name costs as long as a wrong password.
_DUMMY_HASH = generate_password_hash("not-a-real-password")
_ready: set[str] = set()
_ready_lock = threading.Lock()
_readers = threading.local()     # per thread: path -> an open connection for the per-request lookups


def users_path(config: Config) -> Path:
    return config.db_path.with_name(config.db_path.stem + ".users.sqlite")


def now() -> datetime:
    return datetime.now(timezone.utc)


def stamp(at: datetime | None = None) -> str:
    return (at or now()).isoformat(timespec="seconds")


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


@contextmanager
def connect(path: Path) -> Iterator[sqlite3.Connection]:
    """A connection with the schema (created once per process and file); commits on success."""
    path = Path(path)
    key = str(path.resolve()) if path.exists() else None
    if key is None:
        path.parent.mkdir(parents=True, exist_ok=True)
    with closing(sqlite3.connect(path, timeout=30)) as con:
        con.row_factory = sqlite3.Row
        con.execute("PRAGMA foreign_keys = ON")
        if key is None or key not in _ready:
            con.execute("PRAGMA journal_mode=WAL")
            con.executescript(sql_text("dashboards.auth", "users_schema.sql"))
            _owner_only(path)
            with _ready_lock:
                _ready.add(str(path.resolve()))
        with con:
            yield con


def _lookup(path: Path, sql: str, params: tuple) -> sqlite3.Row | None:
    """One row for the lookups every request makes (session, token), on a connection kept open per
    thread: opening one costs more than the query. A missing file is created with its schema."""
    key = str(path)
    cons = _readers.__dict__.setdefault("cons", {})
    con = cons.get(key)
    if con is None or not Path(path).exists():
        with connect(path):
            pass
        con = sqlite3.connect(path, timeout=30, check_same_thread=True)
        con.row_factory = sqlite3.Row
        cons[key] = con
    return con.execute(sql, params).fetchone()


def _owner_only(path: Path) -> None:
    """Password hashes and session digests are nobody else's business on a shared host."""
    for p in (path, Path(str(path) + "-wal"), Path(str(path) + "-shm")):
        if p.exists():
            os.chmod(p, 0o600)


# ---- users --------------------------------------------------------------------------------

def check_name(name: str) -> str:
    if not isinstance(name, str) or not NAME_RE.match(name):
        raise AuthError(f"user name {name!r}: use 1-64 letters, digits or . _ @ - (starting with a "
                        "letter or digit)")
    return name


def check_password(password: str) -> str:
    if not isinstance(password, str) or not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise AuthError(f"a password must be {MIN_PASSWORD} to {MAX_PASSWORD} characters long")
    return password


def check_role(role: str, vendor: str | None) -> tuple[str, str | None]:
    if role not in ROLES:
        raise AuthError(f"role {role!r}; valid: {', '.join(ROLES)}")
    vendor = (vendor or "").strip() or None
    if role == "vendor" and vendor is None:
        raise AuthError("a vendor user needs --vendor VENDOR (the vendor value its tickets carry)")
    if role != "vendor" and vendor is not None:
        raise AuthError(f"--vendor is only for the vendor role, not {role}")
    if vendor is not None and len(vendor) > MAX_VENDOR:
        raise AuthError(f"vendor name longer than {MAX_VENDOR} characters")
    return role, vendor


def add_user(path: Path, name: str, role: str, password: str, vendor: str | None = None) -> User:
    check_name(name)
    role, vendor = check_role(role, vendor)
    hashed = generate_password_hash(check_password(password))
    with connect(path) as con:
        if con.execute("SELECT 1 FROM users WHERE name = ?", (name,)).fetchone():
            raise UserExists(name)
        con.execute("INSERT INTO users (name, role, vendor, password_hash, created_at) VALUES (?, ?, ?, ?, ?)",
                    (name, role, vendor, hashed, stamp()))
    return User(name, role, vendor)


def list_users(path: Path) -> list[dict]:
    with connect(path) as con:
        rows = con.execute(
            "SELECT u.name, u.role, u.vendor, u.created_at, COUNT(t.token_hash) AS api_tokens "
            "FROM users u LEFT JOIN api_tokens t ON t.user_name = u.name GROUP BY u.name ORDER BY u.name"
        ).fetchall()
    return [dict(r) for r in rows]


def get_user(path: Path, name: str) -> User | None:
    with connect(path) as con:
        row = con.execute("SELECT name, role, vendor FROM users WHERE name = ?", (name,)).fetchone()
    return User(row["name"], row["role"], row["vendor"]) if row else None


def remove_user(path: Path, name: str) -> None:
    """Delete the user with its sessions and tokens (signed-in browsers are signed out)."""
    with connect(path) as con:
        if con.execute("DELETE FROM users WHERE name = ?", (name,)).rowcount == 0:
            raise UnknownUser(name)


def set_password(path: Path, name: str, password: str) -> None:
    """New password; every open session of the user ends."""
    hashed = generate_password_hash(check_password(password))
    with connect(path) as con:
        if con.execute("UPDATE users SET password_hash = ? WHERE name = ?", (hashed, name)).rowcount == 0:
            raise UnknownUser(name)
        con.execute("DELETE FROM sessions WHERE user_name = ?", (name,))


def verify_password(path: Path, name: str, password: str) -> User | None:
    """The user when the password is right, else None (a wrong name costs as long as a wrong password)."""
    if not isinstance(password, str) or len(password) > MAX_PASSWORD or not isinstance(name, str):
        return None
    with connect(path) as con:
        row = con.execute("SELECT name, role, vendor, password_hash FROM users WHERE name = ?",
                          (name,)).fetchone()
    if row is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not check_password_hash(row["password_hash"], password):
        return None
    return User(row["name"], row["role"], row["vendor"])


# ---- API tokens ---------------------------------------------------------------------------

def new_token(path: Path, name: str) -> str:
    """A new API token for the user, replacing any earlier one; shown once, stored as a digest."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with connect(path) as con:
        if not con.execute("SELECT 1 FROM users WHERE name = ?", (name,)).fetchone():
            raise UnknownUser(name)
        con.execute("DELETE FROM api_tokens WHERE user_name = ?", (name,))
        con.execute("INSERT INTO api_tokens (token_hash, user_name, created_at) VALUES (?, ?, ?)",
                    (digest(token), name, stamp()))
    return token


def user_for_token(path: Path, token: str) -> User | None:
    if not token or len(token) > 200:
        return None
    row = _lookup(path, "SELECT u.name, u.role, u.vendor FROM api_tokens t JOIN users u ON u.name = t.user_name "
                        "WHERE t.token_hash = ?", (digest(token),))
    return User(row["name"], row["role"], row["vendor"]) if row else None


# ---- sessions -----------------------------------------------------------------------------

def create_session(path: Path, user: User, hours: float) -> tuple[str, str]:
    """(session id, CSRF token) for a fresh sign-in; the id goes in an HttpOnly cookie."""
    sid, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    with connect(path) as con:
        con.execute("DELETE FROM sessions WHERE expires_at < ?", (stamp(),))
        con.execute("INSERT INTO sessions (sid_hash, user_name, csrf, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
                    (digest(sid), user.name, csrf, stamp(), stamp(now() + timedelta(hours=hours))))
    return sid, csrf


def session_user(path: Path, sid: str | None) -> tuple[User, str] | None:
    """(user, CSRF token) of a live session, or None when unknown or expired."""
    if not sid or len(sid) > 200:
        return None
    row = _lookup(path, "SELECT u.name, u.role, u.vendor, s.csrf FROM sessions s JOIN users u ON u.name = s.user_name "
                        "WHERE s.sid_hash = ? AND s.expires_at > ?", (digest(sid), stamp()))
    return (User(row["name"], row["role"], row["vendor"]), row["csrf"]) if row else None


def end_session(path: Path, sid: str | None) -> None:
    if sid:
        with connect(path) as con:
            con.execute("DELETE FROM sessions WHERE sid_hash = ?", (digest(sid),))


# ---- failed sign-ins ----------------------------------------------------------------------

def record_failure(path: Path, name: str, remote: str) -> None:
    with connect(path) as con:
        con.execute("INSERT INTO login_failures (at, user_name, remote) VALUES (?, ?, ?)",
                    (stamp(), (name or "")[:64], remote or ""))


def recent_failures(path: Path, name: str, remote: str, window: timedelta) -> int:
    """Failed sign-ins for this name or from this address within the window (the larger count)."""
    since = stamp(now() - window)
    with connect(path) as con:
        con.execute("DELETE FROM login_failures WHERE at < ?", (stamp(now() - 4 * window),))
        by_name = con.execute("SELECT COUNT(*) FROM login_failures WHERE user_name = ? AND at >= ?",
                              ((name or "")[:64], since)).fetchone()[0]
        by_remote = con.execute("SELECT COUNT(*) FROM login_failures WHERE remote = ? AND at >= ?",
                                (remote or "", since)).fetchone()[0]
    return max(by_name, by_remote)
