"""Every page answers over HTTP and builds its layout, on empty, missing and sample warehouses."""
from __future__ import annotations

import dash
import pytest

from dashboards.app import create_app
from dashboards.callbacks.panels import render_block, render_graph
from dashboards.panels.base import PANELS
from dashboards.state import current_state
from tests.auth_fixtures import as_user, signed_in_client
from tests.dashboard_fixtures import config_for, sample_rows, write_warehouse

QUERIES = ({}, {"from": "2026-02-02", "to": "2026-02-20", "region": ["BR", "US"], "high_profile": "false"})


def _app(tmp_path, kind: str):
    cfg = config_for(tmp_path)
    if kind == "sample":
        write_warehouse(cfg.db_path, sample_rows())
    elif kind == "empty":
        write_warehouse(cfg.db_path, [])
    return create_app(cfg)


def _page_paths() -> list[str]:
    paths = []
    for page in dash.page_registry.values():
        template = page.get("path_template")
        paths.append(template.replace("<anomaly_id>", "does-not-exist") if template else page["path"])
    return paths


@pytest.mark.parametrize("kind", ["sample", "empty", "missing"])
def test_every_page_answers_200(tmp_path, kind):
    app = _app(tmp_path, kind)
    client = signed_in_client(app)
    paths = _page_paths()
    assert "/" in paths and "/tickets" in paths
    for path in paths:
        resp = client.get(path + "?from=2026-02-01&to=2026-02-28&region=BR")
        assert resp.status_code == 200, path
        assert b"_dash-config" in resp.data
    assert client.get("/_dash-layout").status_code == 200
    assert client.get("/_dash-dependencies").status_code == 200


@pytest.mark.parametrize("kind", ["sample", "empty", "missing"])
def test_every_layout_and_panel_builds(tmp_path, kind):
    app = _app(tmp_path, kind)
    client = signed_in_client(app)
    client.get("/")            # dash registers the page routes on the first request
    with as_user(app):
        state = current_state()
        for page in dash.page_registry.values():
            for query in QUERIES:
                layout = page["layout"](**query) if callable(page["layout"]) else page["layout"]
                assert layout is not None
        for name, panel in PANELS.items():
            for search in ("", "?from=2026-02-02&to=2026-02-20&vendor=acme"):
                store = {"search": search}
                if panel.kind == "graph":
                    fig = render_graph(state, name, store, "dark")
                    fig.to_plotly_json()
                elif panel.kind == "block":
                    render_block(state, name, store, "light")


def test_callback_over_http_draws_a_chart(tmp_path):
    """A real POST /_dash-update-component, as the browser sends it, returns the figure."""
    app = _app(tmp_path, "sample")
    client = signed_in_client(app)
    client.get("/")
    deps = client.get("/_dash-dependencies").get_json()
    (output,) = [d["output"] for d in deps if '"type":"graph"' in d["output"] and d["output"].endswith(".figure")]
    payload = {
        "output": output,
        "outputs": {"id": {"name": "overview-inflow", "type": "graph"}, "property": "figure"},
        "inputs": [{"id": {"name": "overview-inflow", "type": "graph-query"}, "property": "data",
                    "value": {"search": "?from=2026-02-01&to=2026-02-07"}},
                   {"id": "theme-store", "property": "data", "value": "dark"}],
        "state": [{"id": {"name": "overview-inflow", "type": "graph-query"}, "property": "id",
                   "value": {"name": "overview-inflow", "type": "graph-query"}}],
        "changedPropIds": [],
    }
    resp = client.post("/_dash-update-component", json=payload)
    assert resp.status_code == 200
    (fig,) = [props["figure"] for props in resp.get_json()["response"].values()]
    days = {x[:10] for t in fig["data"] for x in t["x"]}
    assert days == {f"2026-02-0{d}" for d in range(1, 8)}
    assert fig["layout"]["paper_bgcolor"] == "#1b2230"
