"""The load's keyed-hash functions (pipelines/sql_functions.py) equal the HMAC-SHA256 the loader
always computed in SQL: agent pseudonyms computed once per distinct name of a vector
(pipelines/agent_ids.py) and reporter hashes computed in Python (pipelines/personal_data.py), so
warehouses loaded before keep their agent ids and reporter hashes."""
from __future__ import annotations

import hashlib
import hmac
import subprocess
import sys

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.warehouse import connect_memory
from pipelines import agent_ids, sql_functions
from pipelines.sql_functions import AGENT_ID_FUNCTION, REPORTER_HASH_FUNCTION
from pipelines.personal_data import hmac_pads
from tests.conftest import REPO
from tests.ingest_fixtures import ZENDESK_COLUMNS, load, one, write_csv, zendesk_row

KEY = "a-test-key-of-reasonable-length-0123456789"


def hmac_sql(value_sql: str, pads_sql: tuple[str, str]) -> str:
    """The SQL HMAC-SHA256 the loader computed agent ids and reporter hashes with before: the
    reference every stored value was written by."""
    inner, outer = pads_sql
    return f"sha256({outer} || unhex(sha256({inner} || encode({value_sql}))))"


def bind_pads(bind, key: str) -> tuple[str, str]:
    inner, outer = hmac_pads(key)
    return bind(inner), bind(outer)


def by_hand(key: str, name: str) -> str:
    digest = hmac.new(key.encode(), ("agent\x1f" + name.lower()).encode(), hashlib.sha256).hexdigest()
    return "ag_" + digest[:16]


def test_a_known_name_gives_the_hand_computed_id():
    ids = agent_ids.vector_function(KEY)(pa.array(["maria souza", None, "maria souza", "jón þór"]))
    assert ids.to_pylist() == [by_hand(KEY, "Maria Souza"), None, by_hand(KEY, "Maria Souza"), by_hand(KEY, "Jón Þór")]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(max_size=30)), min_size=1, max_size=50))
def test_the_sql_function_equals_the_sql_hmac_the_loader_used_before(names):
    con = connect_memory()
    params = {}

    def bind(value):
        params[f"p{len(params)}"] = value
        return f"$p{len(params) - 1}"
    old_sql = f"'ag_' || left({hmac_sql(chr(39) + 'agent' + chr(39) + ' || chr(31) || lower(name)', bind_pads(bind, KEY))}, 16)"
    con.execute("CREATE TABLE names AS SELECT unnest($names) AS name", {"names": names})
    with sql_functions.registered(con, KEY):
        rows = con.execute(f"SELECT {AGENT_ID_FUNCTION}(lower(name)) IS NOT DISTINCT FROM ({old_sql}) "
                           "FROM names", params).fetchall()
    assert all(same for (same,) in rows)


def test_the_function_is_gone_after_the_block_and_a_second_registration_works():
    con = connect_memory()
    for _ in range(2):
        with sql_functions.registered(con, KEY):
            assert con.execute(f"SELECT {AGENT_ID_FUNCTION}('x')").fetchall()[0][0] == by_hand(KEY, "x")
    names = [r[0] for r in con.execute("SELECT function_name FROM duckdb_functions()").fetchall()]
    assert AGENT_ID_FUNCTION not in names and REPORTER_HASH_FUNCTION not in names


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(max_size=40)), min_size=1, max_size=50),
       st.sampled_from([KEY, "k", "x" * 100]))         # a key longer than SHA-256's block is hashed first
def test_the_reporter_hash_function_equals_the_sql_hmac_the_loader_used_before(values, key):
    con = connect_memory()
    params = {}

    def bind(value):
        params[f"p{len(params)}"] = value
        return f"$p{len(params) - 1}"
    old_sql = hmac_sql("lower(v)", bind_pads(bind, key))
    con.execute("CREATE TABLE reporters AS SELECT unnest($values) AS v", {"values": values})
    with sql_functions.registered(con, key):
        rows = con.execute(f"SELECT {REPORTER_HASH_FUNCTION}(lower(v)) IS NOT DISTINCT FROM ({old_sql}), "
                           f"{REPORTER_HASH_FUNCTION}(lower(v)), lower(v) FROM reporters", params).fetchall()
    assert all(same for same, _, _ in rows)
    assert [h for _, h, _ in rows] == [None if v is None else hmac.new(key.encode(), v.encode(), hashlib.sha256).hexdigest()
                                       for _, _, v in rows]


def test_more_distinct_names_than_the_cache_holds_still_give_the_right_ids(monkeypatch):
    monkeypatch.setattr(agent_ids, "_CACHE_LIMIT", 3)
    function = agent_ids.vector_function(KEY)
    for batch in (["a", "b", "c", "d"], ["e", "a", "f", "b"]):
        assert function(pa.chunked_array([batch])).to_pylist() == [by_hand(KEY, n) for n in batch]


def test_a_loaded_ticket_carries_the_id_of_its_assignee(tmp_path, memory_con, config):
    path = write_csv(tmp_path / "z.csv", ZENDESK_COLUMNS, [zendesk_row(Assignee="Maria Souza")])
    load(memory_con, path, config, timezone_name="UTC")
    assert one(memory_con, "SELECT agent_id FROM tickets")[0] == by_hand(config.hash_key, "Maria Souza")


@pytest.mark.parametrize("cache_limit", [100_000, 50])
def test_many_vectors_on_several_threads_give_the_sql_hmac_on_every_row(monkeypatch, cache_limit):
    """DuckDB calls the function from several threads at once; resets of a small cache included."""
    monkeypatch.setattr(agent_ids, "_CACHE_LIMIT", cache_limit)
    con = connect_memory()
    con.execute("SET threads = 4")
    con.execute("CREATE TABLE names AS SELECT 'agent ' || (i * 7919 % 3000) AS name FROM range(300000) t(i)")
    params = {}

    def bind(value):
        params[f"p{len(params)}"] = value
        return f"$p{len(params) - 1}"
    old_sql = f"'ag_' || left({hmac_sql(chr(39) + 'agent' + chr(39) + ' || chr(31) || lower(name)', bind_pads(bind, KEY))}, 16)"
    with sql_functions.registered(con, KEY):
        wrong = con.execute(f"SELECT count(*) FROM names WHERE {AGENT_ID_FUNCTION}(lower(name)) "
                            f"IS DISTINCT FROM ({old_sql})", params).fetchall()[0][0]
    assert wrong == 0


NO_PANDAS_CHILD = """
import sys
from pipelines import sql_functions
from core.warehouse import connect_memory
con = connect_memory()
with sql_functions.registered(con, "a-test-key-of-reasonable-length-0123456789"):
    print(con.execute("SELECT safetyops_agent_id(NULL)").fetchall())
    print(con.execute("SELECT count(DISTINCT safetyops_agent_id(a)), count(safetyops_reporter_hash(r)) "
                      "FROM (VALUES ('ana', 'x@y.z'), ('bo', NULL), ('ana', 'w@y.z')) t(a, r)").fetchall())
print("pandas" in sys.modules)
"""


def test_the_hash_functions_do_not_import_pandas():
    """pyarrow imports pandas the first time a Python list becomes an array (0.18-0.25 s, a fifth of
    a 100k-row load into 10M tickets: benchmarks/README.md); the functions build their arrays from
    buffers (pipelines/arrow_strings.py), so no load pays for that import."""
    done = subprocess.run([sys.executable, "-c", NO_PANDAS_CHILD], cwd=REPO, capture_output=True, text=True,
                          env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"}, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["[(None,)]", "[(2,", "2)]", "False"]
