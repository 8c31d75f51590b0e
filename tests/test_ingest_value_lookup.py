"""The value-map lookup (normalize.value_lookup) gives, for every raw cell, what the map lookup it
replaced gave: the mapped value, NULL for NULL and for a value not in the table, the trimmed
value's mapping for a padded cell, and a canonical value as it is."""
from __future__ import annotations

import duckdb
from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines.field_expressions import Params
from pipelines.normalize import value_lookup

WORDS = st.text("abAB -_", min_size=0, max_size=5)


def map_lookup(p: Params, table: dict[str, str], raw: str) -> str:
    """The expression value_lookup replaced (map(keys, values)[lower(raw)]), as the oracle."""
    table_map = f"map({p.bind(list(table))}, {p.bind(list(table.values()))})"
    lookup = (f"coalesce({table_map}[lower({raw})], CASE WHEN prefix({raw}, ' ') OR suffix({raw}, ' ') "
              f"THEN {table_map}[lower(trim({raw}))] END)")
    as_is = [key for key, value in table.items() if key == value == key.lower()]
    if not as_is:
        return lookup
    return f"CASE WHEN {raw} IN ({', '.join(p.bind(v) for v in as_is)}) THEN {raw} ELSE {lookup} END"


def expected(table: dict[str, str], raw: str | None) -> str | None:
    if raw is None:
        return None
    if raw in table and raw == table[raw] == raw.lower():
        return raw
    found = table.get(raw.lower())
    if found is None and (raw.startswith(" ") or raw.endswith(" ")):
        found = table.get(raw.strip(" ").lower())
    return found


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(WORDS.map(str.lower), st.one_of(WORDS, st.sampled_from(["", "x"])), max_size=8),
       st.lists(st.one_of(st.none(), WORDS, st.tuples(WORDS, st.integers(0, 2), st.integers(0, 2))), max_size=12))
def test_the_list_lookup_gives_what_the_map_lookup_gave(table, cells):
    keys = list(table)
    raws = [c if not isinstance(c, tuple) else " " * c[1] + (keys[len(c[0]) % len(keys)].upper() if keys else c[0])
            + " " * c[2] for c in cells]
    p = Params()
    sql = (f"SELECT {value_lookup(p, table, 'raw')}, {map_lookup(p, table, 'raw')} "
           "FROM (SELECT unnest($raws) AS raw, generate_subscripts($raws, 1) AS i) ORDER BY i")
    rows = duckdb.connect().execute(sql, {**p.values, "raws": raws or [None]}).fetchall()
    assert [new for new, _ in rows] == [old for _, old in rows]
    assert [new for new, _ in rows] == [expected(table, raw) for raw in (raws or [None])]


def test_null_unknown_padded_and_canonical_cells():
    table = {"hold": "on_hold", "open": "open", "web form": "web"}
    p = Params()
    raws = [None, "Hold", "unknown", "  Web Form ", "open", " OPEN", "", " "]
    sql = f"SELECT {value_lookup(p, table, 'raw')} FROM (SELECT unnest($raws) AS raw, generate_subscripts($raws, 1) AS i) ORDER BY i"
    got = [r[0] for r in duckdb.connect().execute(sql, {**p.values, "raws": raws}).fetchall()]
    assert got == [None, "on_hold", None, "web", "open", "open", None, None]
