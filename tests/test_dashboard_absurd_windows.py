"""Hand-edited URLs with absurd dates: every panel answers quickly with a bounded response on a
real HTTP server, and the metrics layer refuses windows it cannot answer with a message."""
from __future__ import annotations

import datetime as dt

import pytest
import requests

from dashboards.app import create_app
from metrics.errors import InvalidQuery
from metrics.query import MetricQuery, run_query
from core.warehouse import connect_read
from tests.auth_fixtures import signed_in_session
from tests.dashboard_fixtures import ServerThread, config_for, sample_rows, write_warehouse

SEARCHES = ("?from=0001-01-01", "?to=9999-12-31", "?from=1900-01-01", "?from=0001-01-01&to=9999-12-31",
            "?from=2199-12-31", "?to=0001-01-01")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    cfg = config_for(tmp_path_factory.mktemp("absurd"))
    write_warehouse(cfg.db_path, sample_rows(days=20))
    with ServerThread(create_app(cfg)) as srv:
        srv.session = signed_in_session(srv.url, cfg)      # every route needs a signed-in user
        yield cfg, srv


def update(session: requests.Session, base: str, kind: str, name: str, search: str) -> requests.Response:
    deps = session.get(base + "/_dash-dependencies", timeout=30).json()
    (output,) = [d["output"] for d in deps if f'"type":"{kind}"' in d["output"]]
    prop = "figure" if kind == "graph" else "children"
    query = {"name": name, "type": f"{kind}-query"}
    return session.post(base + "/_dash-update-component", timeout=60, json={
        "output": output, "outputs": {"id": {"name": name, "type": kind}, "property": prop},
        "inputs": [{"id": query, "property": "data", "value": {"search": search}},
                   {"id": "theme-store", "property": "data", "value": "light"}],
        "state": [{"id": query, "property": "id", "value": query}], "changedPropIds": []})


@pytest.mark.parametrize("search", SEARCHES)
@pytest.mark.parametrize("kind, name", [("graph", "overview-inflow"), ("block", "overview-kpis")])
def test_absurd_dates_in_the_url_answer_small_and_fast(server, kind, name, search):
    cfg, srv = server
    resp = update(srv.session, srv.url, kind, name, search)
    assert resp.status_code == 200, resp.text[:500]
    assert len(resp.content) < 1_000_000          # one window of this data, not centuries of days
    assert "0001-0" not in resp.text and "9999-12" not in resp.text and "1900-01" not in resp.text


def test_the_metrics_layer_refuses_out_of_range_dates_and_huge_windows(server):
    cfg, _ = server
    con = connect_read(cfg.db_path)
    try:
        with pytest.raises(InvalidQuery, match="9999-12-30 is out of range"):
            run_query(con, MetricQuery("inflow", grain="week", date_from=dt.date(9999, 12, 30)), cfg)
        with pytest.raises(InvalidQuery, match="at most 7,500"):
            run_query(con, MetricQuery("inflow", grain="day", date_from=dt.date(1900, 1, 1)), cfg)
        weeks = run_query(con, MetricQuery("inflow", grain="week", date_from=dt.date(1990, 1, 1)), cfg)
        assert len(weeks) > 1000 and weeks["value"].sum() > 0     # a long but answerable window
    finally:
        con.close()
