"""The read API with Bearer tokens: same numbers as `metrics show`, the vendor scope, JSON errors."""
from __future__ import annotations

import json

import pytest

from dashboards.app import create_app
from dashboards.auth import audit, store
from safetyops.cli import main
from tests.auth_fixtures import ensure_user
from tests.conftest import REPO
from tests.dashboard_fixtures import config_for

SAMPLE = REPO / "sample_data" / "small" / "tickets_canonical.csv"
VENDOR = "Harbor Ops"


@pytest.fixture(scope="module")
def api(tmp_path_factory):
    cfg = config_for(tmp_path_factory.mktemp("api"))
    assert main(["--config", str(cfg.path), "--quiet", "ingest", str(SAMPLE)]) == 0
    assert main(["--config", str(cfg.path), "--quiet", "detect"]) == 0
    path = store.users_path(cfg)
    ensure_user(cfg, "ana", "analyst")
    ensure_user(cfg, "lumen", "vendor", VENDOR)
    tokens = {"ana": store.new_token(path, "ana"), "lumen": store.new_token(path, "lumen")}
    client = create_app(cfg).server.test_client()
    return cfg, client, tokens


def get(client, token, url):
    return client.get(url, headers={"Authorization": f"Bearer {token}"} if token else {})


def cli_json(cfg, capsys, *args) -> list[dict]:
    capsys.readouterr()
    assert main(["--config", str(cfg.path), "metrics", "show", *args, "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)


@pytest.mark.parametrize("token", [None, "so_not-a-token", ""])
def test_without_a_valid_token_the_api_answers_401(api, token):
    _cfg, client, _tokens = api
    for url in ("/api/v1/metrics", "/api/v1/metrics/inflow", "/api/v1/anomalies"):
        resp = get(client, token, url)
        assert resp.status_code == 401 and resp.get_json()["status"] == 401
    # a session-less Basic header is no token either
    assert client.get("/api/v1/metrics", headers={"Authorization": "Basic YW5hOng="}).status_code == 401


def test_the_registry(api):
    _cfg, client, tokens = api
    metrics = get(client, tokens["ana"], "/api/v1/metrics").get_json()["metrics"]
    assert {"name": "inflow", "unit": "tickets"}.items() <= next(m for m in metrics if m["name"] == "inflow").items()


@pytest.mark.parametrize("query, cli_args", [
    ("by=vendor,region&grain=week&from=2026-05-01&to=2026-06-30&where=region%3DBR",
     ["--by", "vendor,region", "--grain", "week", "--from", "2026-05-01", "--to", "2026-06-30", "--where", "region=BR"]),
    ("grain=day&compare=previous&high_profile=true", ["--grain", "day", "--compare", "previous", "--high-profile"]),
])
@pytest.mark.parametrize("metric", ["inflow", "frt_p90", "sla_frt_attainment"])
def test_an_analysts_answers_equal_metrics_show(api, capsys, metric, query, cli_args):
    cfg, client, tokens = api
    resp = get(client, tokens["ana"], f"/api/v1/metrics/{metric}?{query}")
    assert resp.status_code == 200, resp.get_json()
    body = resp.get_json()
    assert body["metric"] == metric
    assert body["rows"] == cli_json(cfg, capsys, metric, *cli_args)
    assert len(body["rows"]) > 0


def test_a_vendor_sees_exactly_its_vendors_rows(api, capsys):
    cfg, client, tokens = api
    body = get(client, tokens["lumen"], "/api/v1/metrics/inflow?by=region&grain=week").get_json()
    assert body["rows"] == cli_json(cfg, capsys, "inflow", "--by", "region", "--grain", "week",
                                    "--where", f"vendor={VENDOR}")
    by_vendor = get(client, tokens["lumen"], "/api/v1/metrics/inflow?by=vendor&grain=month").get_json()["rows"]
    assert {r["vendor"] for r in by_vendor} == {VENDOR}
    own = get(client, tokens["lumen"], f"/api/v1/metrics/inflow?where=vendor%3D{VENDOR.replace(' ', '+')}")
    assert own.status_code == 200
    for where in ("vendor%3DKestrel+CX", "vendor%3DKestrel+CX,Harbor+Ops"):
        resp = get(client, tokens["lumen"], f"/api/v1/metrics/inflow?where={where}")
        assert resp.status_code == 403 and "Kestrel" not in resp.get_data(as_text=True)
    # an unknown value must not list the other vendors' names
    resp = get(client, tokens["lumen"], "/api/v1/metrics/inflow?where=region%3DZZ")
    assert resp.status_code == 400 and "Kestrel" not in resp.get_data(as_text=True)


def test_anomalies_follow_the_scope(api):
    _cfg, client, tokens = api
    everyone = get(client, tokens["ana"], "/api/v1/anomalies?status=all").get_json()["anomalies"]
    assert len(everyone) == 3
    mine = get(client, tokens["lumen"], "/api/v1/anomalies?status=all").get_json()["anomalies"]
    assert [a["dims"]["vendor"] for a in mine] == [VENDOR]
    assert get(client, tokens["ana"], "/api/v1/anomalies?status=new").get_json()["anomalies"] == \
        [a for a in everyone if a["triage_status"] == "new" and not a.get("withdrawn_at")]


@pytest.mark.parametrize("url, fragment", [
    ("/api/v1/metrics/nope", "unknown metric"),
    ("/api/v1/metrics/inflow?grain=fortnight", "grain="),
    ("/api/v1/metrics/inflow?from=2026-13-01", "not a date"),
    ("/api/v1/metrics/inflow?by=agent_id", "unknown dimension"),
    ("/api/v1/metrics/inflow?where=region", "DIM=VALUE"),
    ("/api/v1/metrics/inflow?limit=5", "unknown argument"),
    ("/api/v1/metrics/inflow?high_profile=maybe", "high_profile="),
    ("/api/v1/metrics/inflow?where=" + "x" * 600, "longer than"),
    ("/api/v1/anomalies?status=bogus", "status="),
    ("/api/v1/anomalies?severity=huge", "severity="),
])
def test_bad_arguments_are_400_with_a_json_reason(api, url, fragment):
    _cfg, client, tokens = api
    resp = get(client, tokens["ana"], url)
    assert resp.status_code == 400
    assert fragment in resp.get_json()["error"] and resp.get_json()["status"] == 400


def test_unknown_api_route_is_a_json_404(api):
    _cfg, client, tokens = api
    resp = get(client, tokens["ana"], "/api/v1/tickets")
    assert resp.status_code == 404 and resp.get_json()["status"] == 404


def test_api_use_is_audited_without_the_token(api):
    cfg, client, tokens = api
    get(client, tokens["lumen"], "/api/v1/metrics/backlog?grain=month")
    entry = audit.entries(store.users_path(cfg), limit=1)[0]
    assert (entry["action"], entry["who"], entry["target"]) == ("api", "lumen", "/api/v1/metrics/backlog")
    assert "grain=month" in entry["detail"]
    assert all(t not in json.dumps(audit.entries(store.users_path(cfg), limit=1000)) for t in tokens.values())
