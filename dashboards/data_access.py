"""Cached reads: every dashboard number is a named read (dashboards/reads.py) memoised per
warehouse version.

The cache key holds the read's name, its arguments and the warehouse file version, so a refresh (a new file swapped in) makes every
old entry unreachable without any explicit invalidation, in every worker process at once when
the cache is on the file system.
"""
from __future__ import annotations

import hashlib
import pickle
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Callable

from flask_caching import Cache

from core.config import Config
from core.errors import InputError
from metrics.errors import UnknownFilterValue
from core.warehouse import file_version
from dashboards.auth.context import current_scope
from dashboards.auth.roles import Scope
from dashboards.connection import WarehouseConnections
from dashboards.reads import READS, Read

ROOT = Path(__file__).resolve().parents[1]
READ_THREADS = 2    # per request: one per core; 4 queued behind each other (bench_dashboard at 10M: scorecard p95 99-116 ms with 2, 137-141 with 4)


def code_stamp() -> str:
    """Identifies the deployed code: a cached result from older metric code is never served after
    an upgrade (the file-system cache outlives restarts). Same value in every worker."""
    h = hashlib.sha256()
    for package in ("metrics", "anomaly", "dashboards"):
        for path in sorted((ROOT / package).rglob("*")):
            if path.suffix in (".py", ".sql") and path.is_file():
                st = path.stat()
                h.update(f"{path.relative_to(ROOT)}:{st.st_mtime_ns}:{st.st_size}".encode())
    return h.hexdigest()[:16]


def make_cache(server, config: Config) -> Cache:
    settings = {"CACHE_TYPE": "FileSystemCache", "CACHE_DIR": str(config.dashboard_cache_dir),
                "CACHE_DEFAULT_TIMEOUT": 3600, "CACHE_THRESHOLD": 5000}
    if config.serve_cache == "simple":
        settings = {"CACHE_TYPE": "SimpleCache", "CACHE_DEFAULT_TIMEOUT": 3600}
    return Cache(server, config=settings)


class DataAccess:
    """The dashboards' only door to the warehouse: named reads on a read-only cursor, cached per
    warehouse version, each run under the scope of the user the request is for (`scope_of`)."""

    def __init__(self, config: Config, cache: Cache | None = None, reads: dict[str, Read] | None = None,
                 scope_of: Callable[[], Scope] = current_scope):
        self.config = config
        self.connections = WarehouseConnections(config.db_path)
        self.cache = cache
        self.reads = dict(READS if reads is None else reads)
        self.code = code_stamp()
        self.scope_of = scope_of

    def version_key(self) -> str:
        v = file_version(self.config.db_path)
        return "missing" if v is None else f"{v.inode}-{v.mtime_ns}-{v.size}"

    def read(self, name: str, *args: Any, scope: Scope | None = None) -> Any:
        """The read called `name` on the live warehouse under `scope` (default: the request's
        user's), cached for this warehouse version and scope unless the read depends on more than
        the warehouse. Raises KeyError for an unknown name, Forbidden when the scope may not ask
        this, and WarehouseMissing when there is no warehouse file yet."""
        read = self.reads[name]
        scope = self.scope_of() if scope is None else scope
        args = read.scope(scope, tuple(args))
        if self.cache is None or not read.cached:
            return self._run(read, scope, args)
        key = self._key(name, (scope.key(), args))
        hit = self.cache.get(key)
        if hit is not None:
            return pickle.loads(hit)
        value = self._run(read, scope, args)
        self.cache.set(key, pickle.dumps(value))
        return value

    def _run(self, read: Read, scope: Scope, args: tuple) -> Any:
        with self.connections.cursor() as con:
            try:
                return read.keep(scope, read.fn(con, self.config, *args))
            except UnknownFilterValue as exc:
                if scope.is_full:
                    raise
                # its message lists every value in the warehouse: other vendors' names too
                raise InputError("a filter value is not in this account's data") from exc

    def read_all(self, calls: list[tuple[str, tuple]]) -> list[Any]:
        """`read(name, *args)` for each (name, args), at the same time on cursors of their own;
        results in the order of `calls`. A panel made of many small metric queries (KPI tiles, the
        vendor scorecard) then waits for about half their sum on two cores: each query is mostly
        DuckDB binding and planning, which runs without the GIL."""
        scope = self.scope_of()     # the pool's threads are outside the request
        if len(calls) < 2:
            return [self.read(name, *args, scope=scope) for name, args in calls]
        with ThreadPoolExecutor(max_workers=min(len(calls), READ_THREADS)) as pool:
            return list(pool.map(lambda call: self.read(call[0], *call[1], scope=scope), calls))

    def memo(self, parts: tuple, compute: Callable[[], Any]) -> Any:
        """A rendered panel (or a panel's assembled data), cached per warehouse version, triage-store
        state and viewer scope (`parts` names it)."""
        if self.cache is None:
            return compute()
        text = (f"render|{self.code}|{self.config.db_path}|{self.version_key()}|{self.triage_key()}|"
                f"{self.scope_of().key()}|{parts!r}")
        key = "so:" + hashlib.sha256(text.encode("utf-8")).hexdigest()
        hit = self.cache.get(key)
        if hit is not None:
            return pickle.loads(hit)
        value = compute()
        self.cache.set(key, pickle.dumps(value))
        return value

    def triage_key(self) -> str:
        """Changes whenever triage or annotations are written (SQLite in WAL mode: file + -wal)."""
        stamps = []
        for path in (self.config.triage_path, Path(str(self.config.triage_path) + "-wal")):
            try:
                st = path.stat()
                stamps.append(f"{st.st_mtime_ns}-{st.st_size}")
            except FileNotFoundError:
                stamps.append("none")
        return "/".join(stamps)

    def _key(self, name: str, args: tuple) -> str:
        # repr of frozen dataclasses, tuples and dates is stable across processes
        text = f"{self.code}|{name}|{self.config.db_path}|{self.version_key()}|{args!r}"
        return "so:" + hashlib.sha256(text.encode("utf-8")).hexdigest()
