"""The app reads a swapped-in warehouse without a restart, and the cache follows the data version."""
from __future__ import annotations

import threading

import pytest

from dashboards.connection import WarehouseConnections
from dashboards.data_access import DataAccess
from dashboards.reads import Read, no_rows
from dashboards.app import create_app
from dashboards.state import current_state
from core.warehouse import WarehouseMissing, writing
from tests.dashboard_fixtures import config_for, write_warehouse
from tests.ticket_factory import insert_tickets, ticket


def count_tickets(con, _config=None):
    return con.execute("SELECT count(*) FROM tickets").fetchall()[0][0]


def add(db, n):
    with writing(db) as con:
        insert_tickets(con, [ticket("2026-03-01 10:00") for _ in range(n)])


def test_reopens_after_swap_and_keeps_borrowed_cursor_alive(tmp_path):
    db = tmp_path / "w.duckdb"
    write_warehouse(db, [ticket("2026-03-01 10:00")])
    conns = WarehouseConnections(db)
    with conns.cursor() as held:
        assert count_tickets(held) == 1
        add(db, 2)                         # the refresh swaps a new file in
        with conns.cursor() as fresh:
            assert count_tickets(fresh) == 3
        assert count_tickets(held) == 1    # a request in flight finishes on the old file
    with conns.cursor() as again:
        assert count_tickets(again) == 3
    conns.close()


class Recording:
    """A cursor that records the statements run through it."""
    def __init__(self, con):
        self.con, self.statements = con, []

    def execute(self, *args, **kwargs):
        self.statements.append(args)
        return self.con.execute(*args, **kwargs)


def test_warehouse_facts_are_looked_up_once_per_file_version(tmp_path):
    """The extent (as_of, ticket count) and dimension values are computed once per file version;
    a swapped-in file gets its own."""
    from metrics.dimension_values import dimension_values
    from metrics.facts import extent
    db = tmp_path / "w.duckdb"
    write_warehouse(db, [ticket("2026-03-01 10:00", region="BR")])
    conns = WarehouseConnections(db)
    with conns.cursor() as con:
        assert extent(con).n_tickets == 1 and dimension_values(con, "region") == ["BR"]
    with conns.cursor() as con:
        recording = Recording(con)
        assert extent(recording).n_tickets == 1 and dimension_values(recording, "region") == ["BR"]
        assert recording.statements == []
    with writing(db) as con:
        insert_tickets(con, [ticket("2026-03-02 10:00", region="US")])
    with conns.cursor() as con:
        assert extent(con).n_tickets == 2 and dimension_values(con, "region") == ["BR", "US"]
    conns.close()


def test_missing_warehouse_raises_until_one_appears(tmp_path):
    db = tmp_path / "w.duckdb"
    conns = WarehouseConnections(db)
    with pytest.raises(WarehouseMissing):
        with conns.cursor():
            pass
    write_warehouse(db, [])
    with conns.cursor() as con:
        assert count_tickets(con) == 0


def test_cache_key_follows_the_data_version(tmp_path):
    cfg = config_for(tmp_path)
    write_warehouse(cfg.db_path, [ticket("2026-03-01 10:00")])
    app = create_app(cfg)
    with app.server.app_context():
        data: DataAccess = current_state().data
        data.reads["count_tickets"] = Read(lambda con, _config: count_tickets(con), no_rows)
        assert data.read("count_tickets") == 1
        assert data.read("count_tickets") == 1      # served from the cache...
        add(cfg.db_path, 4)
        assert data.read("count_tickets") == 5      # ...until a new warehouse is swapped in
    assert cfg.dashboard_cache_dir.is_dir()            # on disk: shared by every worker process


def test_concurrent_readers_during_swaps(tmp_path):
    db = tmp_path / "w.duckdb"
    write_warehouse(db, [ticket("2026-03-01 10:00")])
    conns = WarehouseConnections(db)
    errors: list[BaseException] = []
    seen: set[int] = set()

    def reader():
        try:
            for _ in range(40):
                with conns.cursor() as con:
                    seen.add(count_tickets(con))
        except BaseException as exc:  # noqa: BLE001  (collected and asserted below)
            errors.append(exc)

    threads = [threading.Thread(target=reader) for _ in range(4)]
    for t in threads:
        t.start()
    for _ in range(3):
        add(db, 1)
    for t in threads:
        t.join()
    assert errors == []
    assert seen <= {1, 2, 3, 4}
    with conns.cursor() as con:
        assert count_tickets(con) == 4


def test_default_views_are_drawn_ahead_for_a_new_version(tmp_path):
    from dashboards.callbacks.panels import cached_graph
    from dashboards.warmup import default_view_panels, warm_default_views
    from tests.dashboard_fixtures import sample_rows
    cfg = config_for(tmp_path)
    write_warehouse(cfg.db_path, sample_rows(days=10))
    app = create_app(cfg)
    with app.server.app_context():
        state = current_state()
        names = default_view_panels()
        assert "overview-kpis" in names and "abuse-heatmap" in names and "anomaly-series" not in names
        assert warm_default_views(state) == len(names)
        calls = []
        original = state.data.read
        state.data.read = lambda fn, *a: calls.append(fn) or original(fn, *a)
        cached_graph(state, "abuse-heatmap", {"search": ""}, "light")
        assert calls == []            # served from what the warm-up drew
