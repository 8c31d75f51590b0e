"""Hand-made warehouses for the metrics tests; every number they produce is worked out in the tests."""
from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd

from core.config import Config
from core.warehouse import connect_memory
from tests.ticket_factory import insert_tickets, ticket


def warehouse(rows):
    con = connect_memory()
    if rows:
        insert_tickets(con, rows)
    return con


def cfg(tz: str = "UTC", **overrides) -> Config:
    return dataclasses.replace(Config(), reporting_timezone=tz, **overrides)


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def rows(frame: pd.DataFrame, *columns: str) -> list[tuple]:
    """DataFrame -> list of tuples, periods as 'YYYY-MM-DD[ HH:MM]' text and NaN as None."""
    out = []
    for rec in frame[list(columns)].itertuples(index=False):
        vals = []
        for v in rec:
            if isinstance(v, pd.Timestamp):
                v = v.strftime("%Y-%m-%d %H:%M") if (v.hour or v.minute) else v.strftime("%Y-%m-%d")
            elif isinstance(v, float) and pd.isna(v):
                v = None
            vals.append(v)
        out.append(tuple(vals))
    return out


def flow_tickets():
    """The UTC flow fixture (worked out in test_metrics_flow.py).

    t1 created and resolved on 03-01; t2 resolved exactly at the end of 03-02; t3 created before
    the window, open throughout; t4 answered after 240 min; t5 older than 7 days; t6 created exactly
    at midnight 03-02 and resolved exactly at the end of the window (so open at every end in it).
    """
    return [
        ticket("2026-03-01 10:00", first_response_at="2026-03-01 10:30", resolved_at="2026-03-01 18:00",
               ticket_id="t1", region="BR", abuse_category="spam"),
        ticket("2026-03-01 22:00", resolved_at="2026-03-03 00:00", ticket_id="t2", region="BR",
               abuse_category="harassment"),
        ticket("2026-02-27 12:00", ticket_id="t3", region="US", abuse_category="spam"),
        ticket("2026-03-03 09:00", first_response_at="2026-03-03 13:00", ticket_id="t4", region="US",
               abuse_category="spam"),
        ticket("2026-02-20 00:00", ticket_id="t5", region="BR", abuse_category="spam", high_profile=True),
        ticket("2026-03-02 00:00", resolved_at="2026-03-05 00:00", ticket_id="t6", region="US",
               abuse_category="harassment"),
    ]


def sla_tickets():
    """The SLA fixture: as_of is 2026-03-10 12:00 UTC (s6 is the latest timestamp)."""
    return [
        ticket("2026-03-10 08:00", first_response_at="2026-03-10 08:45", resolved_at="2026-03-10 10:00",
               ticket_id="s1", priority="urgent", escalated=True, qa_score=90.0, csat=5, vendor="acme"),
        ticket("2026-03-10 09:00", first_response_at="2026-03-10 10:00", resolved_at="2026-03-10 11:30",
               ticket_id="s2", priority="urgent", reopen_count=2, qa_score=70.0, csat=2, vendor="acme"),
        ticket("2026-03-10 09:00", first_response_at="2026-03-10 10:01", ticket_id="s3", priority="urgent",
               reopen_count=1, escalated=True, vendor="acme"),
        ticket("2026-03-10 07:00", ticket_id="s4", priority="high", vendor="beta"),
        ticket("2026-03-10 09:00", ticket_id="s5", priority="high", vendor="beta", high_profile=True),
        ticket("2026-03-10 12:00", ticket_id="s6", priority="normal", vendor="beta"),
        ticket("2026-03-10 11:00", ticket_id="s7", priority="urgent", vendor="acme", high_profile=True),
    ]
