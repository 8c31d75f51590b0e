"""Small facts about the warehouse the metric queries depend on: its extent and as_of."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb

from metrics.sqltext import render


@dataclass(frozen=True)
class Extent:
    as_of: dt.datetime | None       # latest timestamp of any kind on any ticket
    data_start: dt.datetime | None  # earliest created_at
    n_tickets: int
    load_state: str = ""            # "<load runs>:<latest load id>"


def extent(con: duckdb.DuckDBPyConnection) -> Extent:
    return Extent(*con.execute(render("as_of.sql", {})).fetchall()[0])


def as_of(con: duckdb.DuckDBPyConnection) -> dt.datetime | None:
    """The latest timestamp of any kind on any ticket: "now" as far as the data can tell.

    Wall-clock time is not used, so a metric computed from the same warehouse is the same number
    on any day it is asked for (the weekly report can be re-run, tests are stable).
    """
    return extent(con).as_of
