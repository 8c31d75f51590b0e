"""Anomaly pages on a real warehouse: the committed sample ingested and scanned by the detector."""
from __future__ import annotations

import datetime as dt

import pytest

from dashboards import anomaly_data as ad
from dashboards.annotations_feed import annotations_in_window
from dashboards.app import create_app
from dashboards.callbacks.anomalies import add_annotation, triage_action
from dashboards.callbacks.panels import render_block, render_graph
from dashboards.filters import Filters
from dashboards.state import current_state
from safetyops.cli import main
from tests.conftest import REPO
from tests.dashboard_fixtures import config_for

SAMPLE = REPO / "sample_data" / "small" / "tickets_canonical.csv"


@pytest.fixture(scope="module")
def detected(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("anomalies")
    cfg = config_for(tmp)
    assert main(["--config", str(cfg.path), "--quiet", "ingest", str(SAMPLE)]) == 0
    assert main(["--config", str(cfg.path), "--quiet", "detect"]) == 0
    app = create_app(cfg)
    with app.server.app_context():
        state = current_state()
        alerts = state.data.read("anomaly_list", Filters(), "all", None)
        assert len(alerts) > 0
        yield state, alerts


@pytest.mark.parametrize("dims, window, filters, shown", [
    ({"region": "BR"}, ("2026-06-01", "2026-06-02"), Filters(region=("BR",)), True),
    ({"region": "BR"}, ("2026-06-01", "2026-06-02"), Filters(region=("US",)), False),
    ({"region": "BR"}, ("2026-06-01", "2026-06-02"), Filters(vendor=("acme",)), True),   # not split by vendor
    ({"region": "BR"}, ("2026-06-01", "2026-06-02"), Filters(date_from=dt.date(2026, 6, 3)), False),
    ({"region": "BR"}, ("2026-06-01", "2026-06-05"), Filters(date_from=dt.date(2026, 6, 3)), True),
    ({"region": "BR"}, ("2026-06-01", "2026-06-02"), Filters(date_to=dt.date(2026, 5, 31)), False),
])
def test_alert_matches_filter_bar(dims, window, filters, shown):
    assert ad.matches_filters(dims, window[0], window[1], filters) is shown


def test_list_respects_region_filter(detected):
    state, alerts = detected
    region = next(r for r in alerts["region"] if isinstance(r, str))
    subset = state.data.read("anomaly_list", Filters(region=(region,)), "all", None)
    assert len(subset) > 0
    assert all(r in (region, None) or r != r for r in subset["region"])   # own region or not split by region


def test_acknowledge_persists_and_leaves_open_list_only_when_resolved(detected):
    state, alerts = detected
    target = alerts["anomaly_id"].iloc[0]
    view, history = triage_action(state, target, "triage-ack", "checked with BR leads", "ana")
    assert "Acknowledged" in str(view[0].children)
    # a fresh read (as after a page reload) sees the stored state and note
    assert ad.triage_state(state.config, target) | {"updated_at": None} == \
        {"status": "acknowledged", "note": "checked with BR leads", "who": "ana", "updated_at": None}
    open_ids = set(state.data.read("anomaly_list", Filters(), "open", None)["anomaly_id"])
    assert target in open_ids
    triage_action(state, target, "triage-resolve", None, None)
    open_ids = set(state.data.read("anomaly_list", Filters(), "open", None)["anomaly_id"])
    assert target not in open_ids
    assert ad.triage_state(state.config, target)["note"] == "checked with BR leads"   # note kept
    assert [h["status"] for h in ad.triage_history(state.config, target)] == ["acknowledged", "resolved"]


def test_detail_panels_render(detected):
    state, alerts = detected
    counts = alerts[alerts["family"] != "share_daily"]
    target = (counts if len(counts) else alerts)["anomaly_id"].iloc[0]
    store = {"search": f"?anomaly={target}"}
    fig = render_graph(state, "anomaly-series", store, "light")
    names = [t.name for t in fig.data]
    assert {"expected band", "expected", "observed", "flagged"} <= set(names)
    assert any(s.type == "rect" for s in fig.layout.shapes)          # the flagged span
    explanation = render_block(state, "anomaly-explanation", store, "light")
    assert str(alerts.set_index("anomaly_id").loc[target, "explanation"]) in str(explanation)
    render_block(state, "anomaly-contributors", store, "light")
    tickets = render_block(state, "anomaly-tickets", store, "light")
    assert "/tickets?" in str(tickets)


def test_unknown_anomaly_says_so(detected):
    state, _alerts = detected
    block = render_block(state, "anomaly-explanation", {"search": "?anomaly=nope"}, "light")
    assert block.children == "Unknown anomaly id"


def test_annotation_shows_on_trend_charts(detected):
    state, _alerts = detected
    assert add_annotation(state.config, 1, "", "incident", "2026-06-10") == "A label is needed."
    msg = add_annotation(state.config, 1, "Vendor <b>switch</b>", "vendor_change", "2026-06-10")
    assert msg.startswith("Added 'Vendor <b>switch</b>'")
    window = Filters(date_from=dt.date(2026, 6, 1), date_to=dt.date(2026, 6, 20))
    marks = annotations_in_window(state.config, window)
    assert list(marks["label"]) == ["Vendor <b>switch</b>"]
    assert annotations_in_window(state.config, Filters(date_from=dt.date(2026, 6, 11))).empty
    fig = render_graph(state, "overview-inflow", {"search": "?from=2026-06-01&to=2026-06-20"}, "light")
    texts = [a.text for a in fig.layout.annotations]
    assert "Vendor &lt;b&gt;switch&lt;/b&gt;" in texts   # data text is escaped, never markup


def test_triage_of_an_id_the_warehouse_does_not_hold_is_refused(detected):
    state, _ = detected
    view, history = triage_action(state, "0123456789abcdef", "triage-resolve", "typo", "ana")
    assert "no alert with id '0123456789abcdef'" in str(view)
    assert ad.triage_state(state.config, "0123456789abcdef")["status"] == "new"
    assert ad.triage_history(state.config, "0123456789abcdef") == [] and history == []


def test_a_page_for_an_unknown_alert_offers_no_triage_buttons(detected):
    import dash
    # the page module as Dash registered it (importing it under another name registers it twice)
    (layout,) = [p["layout"] for p in dash.page_registry.values()
                 if p.get("path_template") == "/anomalies/<anomaly_id>"]
    state, alerts = detected
    unknown = str(layout(anomaly_id="0123456789abcdef"))
    assert "No alert with this id" in unknown
    assert "triage-ack" not in unknown and "triage-resolve" not in unknown and "annotation-add" not in unknown
    known = str(layout(anomaly_id=alerts["anomaly_id"].iloc[0]))
    assert "triage-ack" in known and "No alert with this id" not in known
