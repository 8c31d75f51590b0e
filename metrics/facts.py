"""Small facts about the warehouse the metric queries depend on: its extent and as_of."""
from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Callable, Iterator, TypeVar

import duckdb

from metrics.sqltext import render


@dataclass(frozen=True)
class Extent:
    as_of: dt.datetime | None       # latest timestamp of any kind on any ticket
    data_start: dt.datetime | None  # earliest created_at
    n_tickets: int
    load_state: str = ""            # "<load runs>:<latest load id>"


T = TypeVar("T")
# Facts about the warehouse a reader computed once for the file version it reads (see pinned_facts).
_PINNED: ContextVar[dict | None] = ContextVar("pinned_warehouse_facts", default=None)


@contextmanager
def pinned_facts(memo: dict) -> Iterator[None]:
    """Within this block, facts about the warehouse (its extent, the marts' fingerprint, dimension
    values) are looked up once and kept in `memo`. Only for a read-only connection to one file
    version, whose data cannot change (the refresh swaps in a new file, read through a connection
    and a memo of its own): the dashboard's reads asked for the extent 3-8 times per panel, a small
    statement each time."""
    token = _PINNED.set(memo)
    try:
        yield
    finally:
        _PINNED.reset(token)


def pinned(key: tuple | str, compute: Callable[[], T]) -> T:
    """compute(), or its value kept for `key` inside pinned_facts."""
    memo = _PINNED.get()
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    return memo[key]


def extent(con: duckdb.DuckDBPyConnection) -> Extent:
    return pinned("extent", lambda: Extent(*con.execute(render("as_of.sql", {})).fetchall()[0]))


def as_of(con: duckdb.DuckDBPyConnection) -> dt.datetime | None:
    """The latest timestamp of any kind on any ticket: "now" as far as the data can tell.

    Wall-clock time is not used, so a metric computed from the same warehouse is the same number
    on any day it is asked for (the weekly report can be re-run, tests are stable).
    """
    return extent(con).as_of
