"""Triage and annotation writes through the real callback endpoint: role, CSRF, who, audit, and
malformed payloads answered 4xx."""
from __future__ import annotations

import re

import pandas as pd
import pytest

from anomaly import triage
from dashboards.app import create_app
from dashboards.auth import audit, store
from safetyops.cli import main
from tests.auth_fixtures import signed_in_client
from tests.conftest import REPO
from tests.dashboard_fixtures import config_for

SAMPLE = REPO / "sample_data" / "small" / "tickets_canonical.csv"
VENDOR = "Harbor Ops"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    cfg = config_for(tmp_path_factory.mktemp("writes"))
    assert main(["--config", str(cfg.path), "--quiet", "ingest", str(SAMPLE)]) == 0
    assert main(["--config", str(cfg.path), "--quiet", "detect"]) == 0
    app = create_app(cfg)
    clients = {role: signed_in_client(app, role, role, VENDOR if role == "vendor" else None)
               for role in ("lead", "analyst", "vendor", "admin")}
    clients["lead"].get("/")
    return cfg, app, clients


def alert_ids(cfg, vendor_only: bool = False) -> list[str]:
    from core.warehouse import connect_read
    con = connect_read(cfg.db_path)
    rows = con.execute("SELECT anomaly_id, dims_json FROM anomalies ORDER BY anomaly_id").fetchall()
    con.close()
    return [a for a, dims in rows if not vendor_only or VENDOR in dims]


def output_of(app, fragment: str) -> str:
    return next(key for key in app.callback_map if fragment in key)


def triage_payload(app, anomaly_id, button: str = "triage-ack", note=None) -> dict:
    return {"output": output_of(app, "triage-status.children"),
            "outputs": [{"id": "triage-status", "property": "children"},
                        {"id": "triage-history", "property": "children"}],
            "inputs": [{"id": "anomaly-id", "property": "data", "value": anomaly_id},
                       {"id": "triage-ack", "property": "n_clicks", "value": 1},
                       {"id": "triage-resolve", "property": "n_clicks", "value": 0},
                       {"id": "triage-fp", "property": "n_clicks", "value": 0}],
            "state": [{"id": "triage-note", "property": "value", "value": note}],
            "changedPropIds": [f"{button}.n_clicks"]}


def annotation_payload(app, kind: str, label: str = "Carnival", start="2026-06-10", clicks=1) -> dict:
    return {"output": output_of(app, "annotation-result.children"),
            "outputs": {"id": "annotation-result", "property": "children"},
            "inputs": [{"id": "annotation-add", "property": "n_clicks", "value": clicks}],
            "state": [{"id": "annotation-label", "property": "value", "value": label},
                      {"id": "annotation-kind", "property": "value", "value": kind},
                      {"id": "annotation-start", "property": "date", "value": start}],
            "changedPropIds": ["annotation-add.n_clicks"]}


def post(client, payload):
    return client.post("/_dash-update-component", json=payload)


def test_an_analyst_triages_as_themself(site):
    cfg, app, clients = site
    target = alert_ids(cfg)[0]
    resp = post(clients["analyst"], triage_payload(app, target, note="checked with the BR leads"))
    assert resp.status_code == 200
    state = triage.state_of(cfg.triage_path, target)
    assert (state["status"], state["who"], state["note"]) == ("acknowledged", "analyst", "checked with the BR leads")
    entry = audit.entries(store.users_path(cfg), action="triage", limit=1)[0]
    assert (entry["who"], entry["target"], entry["remote"]) == ("analyst", target, "127.0.0.1")


@pytest.mark.parametrize("role", ["vendor", "admin"])
def test_roles_without_triage_are_refused_and_audited(site, role):
    cfg, app, clients = site
    target = alert_ids(cfg, vendor_only=True)[0]      # one the vendor can see
    before = triage.history(cfg.triage_path, target)
    resp = post(clients[role], triage_payload(app, target, "triage-resolve"))
    assert resp.status_code == 200 and "Your role cannot change triage" in resp.get_data(as_text=True)
    assert triage.history(cfg.triage_path, target) == before
    entry = audit.entries(store.users_path(cfg), action="write_refused", limit=1)[0]
    assert (entry["who"], entry["target"]) == (role, target)


def test_unknown_or_out_of_scope_alert_ids_are_refused(site):
    cfg, app, clients = site
    resp = post(clients["lead"], triage_payload(app, "doesnotexist"))
    assert "No such anomaly" in resp.get_data(as_text=True)
    assert triage.history(cfg.triage_path, "doesnotexist") == []
    other = next(a for a in alert_ids(cfg) if a not in alert_ids(cfg, vendor_only=True))
    text = post(clients["vendor"], triage_payload(app, other)).get_data(as_text=True)
    assert "No such anomaly" in text


def test_a_suppressing_annotation_needs_a_lead(site):
    cfg, app, clients = site
    for role in ("analyst", "vendor", "admin"):
        text = post(clients[role], annotation_payload(app, "holiday", f"holiday by {role}")).get_data(as_text=True)
        assert "Added" not in text
    assert not [a for a in triage.list_annotations(cfg.triage_path) if a["kind"] == "holiday"]
    text = post(clients["analyst"], annotation_payload(app, "incident", "Vendor outage")).get_data(as_text=True)
    assert "Added 'Vendor outage' (incident)" in text
    text = post(clients["lead"], annotation_payload(app, "holiday", "Corpus Christi")).get_data(as_text=True)
    assert "Added 'Corpus Christi' (holiday)" in text
    saved = {a["label"]: a["who"] for a in triage.list_annotations(cfg.triage_path)}
    assert saved["Corpus Christi"] == "lead" and saved["Vendor outage"] == "analyst"
    refused = [e["who"] for e in audit.entries(store.users_path(cfg), action="write_refused", limit=50)
               if "annotation" in (e["detail"] or "")]
    assert {"analyst", "vendor", "admin"} <= set(refused)
    added = [(e["who"], e["target"]) for e in audit.entries(store.users_path(cfg), action="annotation")]
    assert ("lead", "Corpus Christi") in added


def test_anonymous_or_without_csrf_writes_are_refused(site):
    cfg, app, clients = site
    anonymous = app.server.test_client()
    assert post(anonymous, annotation_payload(app, "holiday")).status_code == 401
    no_csrf = app.server.test_client()
    no_csrf.set_cookie("safetyops_session", clients["lead"].get_cookie("safetyops_session").value)
    assert post(no_csrf, annotation_payload(app, "holiday")).status_code == 403
    assert post(no_csrf, triage_payload(app, alert_ids(cfg)[0])).status_code == 403


def test_a_withdrawn_alert_says_who_suppressed_it(site):
    cfg, app, clients = site
    target = alert_ids(cfg, vendor_only=True)[0]
    from core.warehouse import connect_read
    con = connect_read(cfg.db_path)
    start, end = con.execute("SELECT CAST(start_at AS DATE), CAST(end_at AS DATE) FROM anomalies "
                             "WHERE anomaly_id = ?", [target]).fetchall()[0]
    con.close()
    # the form takes one day: a holiday over each day of the alert withdraws all of it
    for day in pd.date_range(start, end, freq="D"):
        text = post(clients["lead"], annotation_payload(app, "holiday", "Regional holiday",
                                                        str(day.date()))).get_data(as_text=True)
        assert "Added" in text
    assert main(["--config", str(cfg.path), "--quiet", "detect"]) == 0
    from core.warehouse import connect_read as reopen
    con = reopen(cfg.db_path)
    (reason,) = con.execute("SELECT withdrawn_reason FROM anomalies WHERE anomaly_id = ?", [target]).fetchall()[0]
    con.close()
    # (an earlier test's holiday may cover the same day: either names who added it)
    assert re.fullmatch(r"suppressed by the calendar event '(Regional holiday|Corpus Christi)' "
                        r"\(holiday, added by lead\)", reason), reason
