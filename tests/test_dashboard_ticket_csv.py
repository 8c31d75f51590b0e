"""The Tickets page's CSV download on a real HTTP server holds every matching ticket (up to its
limit), read a page at a time; it was always empty while its limit exceeded the listing's page."""
from __future__ import annotations

import io

import pandas as pd
import pytest

from dashboards.app import create_app
from dashboards.components import LOCATION_ID
from metrics.ticket_listing import MAX_PAGE
from tests.auth_fixtures import signed_in_session
from tests.dashboard_fixtures import ServerThread, config_for, write_warehouse
from core.warehouse import writing
from tests.ticket_factory import TICKET_COLUMNS, ticket

N_TICKETS = MAX_PAGE + 1_500          # more than one page of the listing


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    cfg = config_for(tmp_path_factory.mktemp("ticket_csv"))
    write_warehouse(cfg.db_path, [])
    template = ticket("2026-03-01 00:00")
    with writing(cfg.db_path) as con:      # one INSERT ... SELECT: row-by-row inserts take a minute
        columns = ", ".join(TICKET_COLUMNS)
        values = {c: template[c] for c in TICKET_COLUMNS if c not in ("ticket_id", "created_at", "updated_at",
                                                                      "region")}
        con.execute(
            f"INSERT INTO tickets ({columns}) SELECT {', '.join(_select(c) for c in TICKET_COLUMNS)} "
            "FROM range($n) AS r(i)", {"n": N_TICKETS, **values})
    with ServerThread(create_app(cfg)) as srv:
        srv.session = signed_in_session(srv.url, cfg)      # every route needs a signed-in user
        yield srv


def _select(column: str) -> str:
    return {"ticket_id": "'C' || i", "created_at": "TIMESTAMPTZ '2026-03-01 00:00:00+00' + i * INTERVAL 3 MINUTE",
            "updated_at": "TIMESTAMPTZ '2026-03-01 00:00:00+00' + i * INTERVAL 3 MINUTE",
            "region": "CASE WHEN i % 4 = 0 THEN 'US' ELSE 'BR' END"}.get(column, f"${column}")


def download(srv, search: str) -> dict:
    session, base = srv.session, srv.url
    deps = session.get(base + "/_dash-dependencies", timeout=30).json()
    (output,) = [d["output"] for d in deps if '"type":"download"' in d["output"]]
    button = {"name": "tickets", "type": "csv"}
    resp = session.post(base + "/_dash-update-component", timeout=120, json={
        "output": output, "outputs": {"id": {"name": "tickets", "type": "download"}, "property": "data"},
        "inputs": [{"id": button, "property": "n_clicks", "value": 1}],
        "state": [{"id": LOCATION_ID, "property": "search", "value": search},
                  {"id": button, "property": "id", "value": button}],
        "changedPropIds": ['{"name":"tickets","type":"csv"}.n_clicks']})
    assert resp.status_code == 200, resp.text[:500]
    (value,) = resp.json()["response"].values()
    return value["data"]


def test_the_ticket_csv_holds_every_matching_ticket(server):
    data = download(server, "?from=2026-03-01&to=2026-04-30")
    frame = pd.read_csv(io.StringIO(data["content"]))
    assert len(frame) == N_TICKETS
    assert frame["ticket_id"].is_unique
    assert frame["created_at"].is_monotonic_decreasing or frame["created_at"].iloc[0] >= frame["created_at"].iloc[-1]
    us = pd.read_csv(io.StringIO(download(server, "?from=2026-03-01&to=2026-04-30&region=US")["content"]))
    assert len(us) == len(range(0, N_TICKETS, 4)) and set(us["region"]) == {"US"}


def test_a_refused_download_says_why_instead_of_an_empty_file(server):
    data = download(server, "?from=2026-03-01&region=XX")
    assert data["filename"].startswith("tickets_error")
    assert "XX" in pd.read_csv(io.StringIO(data["content"]))["error"].iloc[0]
