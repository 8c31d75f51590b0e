"""Hostile callback requests: every registered callback, every input given wrong types, unknown
names and oversized values, answers 4xx (or a normal answer), never a 500."""
from __future__ import annotations

import json

import pytest

from dashboards.app import create_app
from tests.auth_fixtures import signed_in_client
from tests.dashboard_fixtures import config_for, sample_rows, write_warehouse

HOSTILE = [123, -1, 1.5, True, "abc", "x" * 5000, [], ["a", 1], {}, {"search": 5}, {"points": "x"},
           [{"x": 1}], {"name": "no-such-panel", "type": "graph-query"}, "?region=" + "Z" * 4000]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    cfg = config_for(tmp_path_factory.mktemp("payloads"))
    write_warehouse(cfg.db_path, sample_rows(days=10))
    app = create_app(cfg)
    client = signed_in_client(app, "lea", "lead")
    client.get("/")
    return app, client


def concrete(raw_id: str):
    """A pattern id as the browser sends it (MATCH/ALL replaced by a real panel name)."""
    if not raw_id.startswith("{"):
        return raw_id
    return {k: ("overview-inflow" if k == "name" else "x") if isinstance(v, list) else v
            for k, v in json.loads(raw_id).items()}


def entry(spec: dict, value) -> dict | list:
    item = {"id": concrete(spec["id"]), "property": spec["property"], "value": value}
    return [item] if '["ALL"]' in spec["id"] else item


def outputs_of(key: str):
    parts = key.strip(".").split("...") if key.startswith("..") else [key]
    outs = []
    for part in parts:
        raw, _, prop = part.split("@")[0].rpartition(".")
        outs.append({"id": concrete(raw), "property": prop})
    return outs if key.startswith("..") else outs[0]


def payload(key: str, spec: dict, hostile_at: tuple[str, int] | None = None, value=None) -> dict:
    body = {"output": key, "outputs": outputs_of(key), "changedPropIds": []}
    for part in ("inputs", "state"):
        body[part] = [entry(s, value if (part, i) == hostile_at else None) for i, s in enumerate(spec.get(part, []))]
    if spec.get("inputs"):
        first = spec["inputs"][0]
        body["changedPropIds"] = [f"{json.dumps(concrete(first['id']), separators=(',', ':')) if first['id'].startswith('{') else first['id']}.{first['property']}"]
    return body


def test_every_callback_with_every_hostile_value_is_never_a_500(site):
    app, client = site
    seen = 0
    for key, spec in app.callback_map.items():
        for part in ("inputs", "state"):
            for i in range(len(spec.get(part, []))):
                for value in HOSTILE:
                    resp = client.post("/_dash-update-component", json=payload(key, spec, (part, i), value))
                    assert resp.status_code < 500, (key, part, i, value, resp.get_data(as_text=True)[:300])
                    seen += 1
    assert seen > 300


@pytest.mark.parametrize("body, status", [
    ("not json", 400),
    ([1, 2], 400),
    ({"output": "no-such.children", "outputs": {}, "inputs": [], "state": []}, 400),
    ({"output": '{"name":["MATCH"],"type":"graph"}.figure', "outputs": {}, "inputs": [1], "state": []}, 400),
])
def test_malformed_envelopes_are_400(site, body, status):
    app, client = site
    resp = client.post("/_dash-update-component", data=body if isinstance(body, str) else json.dumps(body),
                       content_type="application/json")
    assert resp.status_code == status


def test_ticket_grid_bounds_and_types(site):
    app, client = site
    key = next(k for k in app.callback_map if k.startswith("tickets-grid."))
    spec = app.callback_map[key]
    for request, status in (({"startRow": "abc", "endRow": 100}, 400), ({"startRow": 0, "endRow": 100_000}, 400),
                            ({"startRow": 0, "endRow": 100}, 200)):
        body = payload(key, spec, ("inputs", 0), request)
        body["state"] = [{"id": "tickets-query", "property": "data", "value": {"search": ""}}]
        assert client.post("/_dash-update-component", json=body).status_code == status


def test_unknown_panel_name_and_huge_note(site):
    app, client = site
    key = '{"name":["MATCH"],"type":"block"}.children'
    body = payload(key, app.callback_map[key])
    body["state"] = [{"id": {"name": "nope", "type": "block-query"}, "property": "id",
                      "value": {"name": "nope", "type": "block-query"}}]
    assert client.post("/_dash-update-component", json=body).status_code == 400
    tkey = next(k for k in app.callback_map if "triage-status" in k)
    body = payload(tkey, app.callback_map[tkey], ("state", 0), "n" * 5000)
    assert client.post("/_dash-update-component", json=body).status_code == 400
    body = payload(tkey, app.callback_map[tkey], ("state", 0), "n" * 1_100_000)
    assert client.post("/_dash-update-component", json=body).status_code == 413
