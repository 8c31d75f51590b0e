"""Whether the marts match the warehouse: mart_meta holds what they were built from (mart version,
as_of, ticket count, load runs, reporting zone, SLA targets); they are read only while all of it
still holds, so a stale mart is never served."""
from __future__ import annotations

import json

import duckdb

from metrics.facts import Extent, extent, pinned

MART_VERSION = "4"   # 4: mart_ticket_facts keeps source, ticket_id and resolved_day


def fingerprint_data(facts: Extent) -> dict[str, str]:
    return {
        "mart_version": MART_VERSION,
        "as_of": facts.as_of.isoformat() if facts.n_tickets else "",
        "n_tickets": str(facts.n_tickets),
        "load_runs": facts.load_state,
    }


def fingerprint(config, facts: Extent) -> dict[str, str]:
    return {
        **fingerprint_data(facts),
        "reporting_timezone": config.reporting_timezone,
        "sla_frt_minutes": json.dumps(dict(sorted(config.sla_frt_minutes.items()))),
    }


def mart_is_current(con: duckdb.DuckDBPyConnection, config, facts: Extent | None = None) -> bool:
    """True when every mart exists and was built from this warehouse state with this config."""
    stored = stored_fingerprint(con)
    return stored is not None and stored == fingerprint(config, facts or extent(con))


def marts_match_data(con: duckdb.DuckDBPyConnection, facts: Extent | None = None) -> bool:
    """True when the marts were built from this warehouse state (config aside: for facts such as
    dimension values that do not depend on the reporting zone or SLA targets)."""
    stored = stored_fingerprint(con)
    if stored is None:
        return False
    now = fingerprint_data(facts or extent(con))
    return all(stored.get(k) == v for k, v in now.items())


def stored_fingerprint(con) -> dict[str, str] | None:
    """mart_meta is written last, after every other mart, so its presence vouches for them."""
    stored = pinned("mart_fingerprint", lambda: _read_fingerprint(con))
    return None if stored is None else dict(stored)


def _read_fingerprint(con) -> dict[str, str] | None:
    try:
        return dict(con.execute("SELECT key, value FROM mart_meta").fetchall())
    except duckdb.CatalogException:
        return None
