"""A vendor user's scope is applied in the read layer: every registered read, called with the
vendor scope, returns only that vendor's rows (or refuses), whatever the arguments ask for."""
from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest

from dashboards.app import create_app
from dashboards.auth.errors import Forbidden
from dashboards.auth.roles import FULL, Scope
from dashboards.filters import Filters
from dashboards.reads import READS
from dashboards.state import current_state
from metrics.show import show_query
from safetyops.cli import main
from tests.conftest import REPO
from tests.dashboard_fixtures import config_for

SAMPLE = REPO / "sample_data" / "small" / "tickets_canonical.csv"
VENDOR = "Harbor Ops"            # the committed sample has a by-vendor alert on it
OTHER = "Kestrel CX"
SCOPE = Scope(VENDOR)
WINDOW = Filters(date_from=dt.date(2026, 5, 1), date_to=dt.date(2026, 7, 31))
NOW = pd.Timestamp("2026-08-01", tz="UTC")


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    cfg = config_for(tmp_path_factory.mktemp("scope"))
    assert main(["--config", str(cfg.path), "--quiet", "ingest", str(SAMPLE)]) == 0
    assert main(["--config", str(cfg.path), "--quiet", "detect"]) == 0
    with create_app(cfg).server.app_context():
        yield current_state().data


def explicit(filters: Filters) -> Filters:
    return filters.with_values(vendor=(VENDOR,))


# read name -> [(args asked by a vendor user, the same read asked with the vendor filter by a full-scope user)]
CASES = {
    "as_of": [((), ())],
    "as_of_date": [((), ())],
    "data_dates": [((), ())],
    "series": [(("inflow", WINDOW, "day", ("region",)), ("inflow", explicit(WINDOW), "day", ("region",))),
               (("frt_p90", WINDOW, "week", ("vendor",)), ("frt_p90", explicit(WINDOW), "week", ("vendor",)))],
    "kpis": [((WINDOW,), (explicit(WINDOW),))],
    "series_group": [((("frt_p50", "frt_p90"), WINDOW, "day", ("vendor",)),
                      (("frt_p50", "frt_p90"), explicit(WINDOW), "day", ("vendor",)))],
    "scorecard_columns": [((WINDOW, ("frt_p50", "frt_p90")), (explicit(WINDOW), ("frt_p50", "frt_p90")))],
    "scorecard_column": [((WINDOW, "inflow"), (explicit(WINDOW), "inflow")),
                         ((WINDOW, "frt_p50"), (explicit(WINDOW), "frt_p50"))],
    "window": [(("inflow", WINDOW, ("vendor", "region")), ("inflow", explicit(WINDOW), ("vendor", "region")))],
    "breach_risk": [((WINDOW, NOW), (explicit(WINDOW), NOW))],
    "tickets_page": [((WINDOW, (), 0, 5000), (explicit(WINDOW), (), 0, 5000))],
    "ticket_sample": [(((("abuse_category", ("spam", "harassment")),), WINDOW.date_from, WINDOW.date_to, 5000),
                       ((("abuse_category", ("spam", "harassment")), ("vendor", (VENDOR,))), WINDOW.date_from, WINDOW.date_to, 5000))],
    "metric_show": [((show_query("inflow", "region,vendor", "week", where=("region=BR,US",)),),
                     (show_query("inflow", "region,vendor", "week", where=("region=BR,US", f"vendor={VENDOR}")),))],
    "dimension_options": [(("vendor",), None), (("region",), ("region",))],
    "anomaly_list": [((Filters(), "all", None), None)],
    "anomaly_detail": [],          # asked per alert id below
    "load_runs": [((), "forbidden")],
    "rejections_by_reason": [((), "forbidden")],
    "rejected_sample": [((), "forbidden")],
    "source_freshness": [((), "forbidden")],
    "latest_load_notes": [((), "forbidden")],
}


def test_every_registered_read_has_a_scope_case():
    assert set(CASES) == set(READS), "add the new read to CASES: how does a vendor user's call stay in its vendor?"


def vendors_in(value) -> set:
    frames = [v for v in (value if isinstance(value, (tuple, list)) else (value,)) if isinstance(v, pd.DataFrame)]
    return {str(v) for f in frames if "vendor" in f.columns for v in f["vendor"].dropna()}


@pytest.mark.parametrize("name", sorted(n for n in CASES if CASES[n]))
def test_a_vendor_scope_reads_only_its_vendor(data, name):
    for scoped_args, full_args in CASES[name]:
        if full_args == "forbidden":
            with pytest.raises(Forbidden):
                data.read(name, *scoped_args, scope=SCOPE)
            continue
        got = data.read(name, *scoped_args, scope=SCOPE)
        assert vendors_in(got) <= {VENDOR}
        if name == "dimension_options" and scoped_args == ("vendor",):
            assert got == [VENDOR]
        elif name == "anomaly_list":
            assert not got.empty and {json.loads(d).get("vendor") for d in got["dims_json"]} == {VENDOR}
        else:
            expected = data.read(name, *full_args, scope=FULL)
            if isinstance(got, list) and got and isinstance(got[0], pd.DataFrame):
                assert len(got) == len(expected)
                for g, e in zip(got, expected):
                    pd.testing.assert_frame_equal(g, e)
            elif isinstance(got, tuple) and isinstance(got[0], pd.DataFrame):
                pd.testing.assert_frame_equal(got[0], expected[0])
                assert got[1] == expected[1] and got[1] > 0
            elif isinstance(got, pd.DataFrame):
                pd.testing.assert_frame_equal(got, expected)
            else:
                assert got == expected


def test_the_tickets_a_vendor_reads_are_exactly_its_own(data):
    page, total = data.read("tickets_page", WINDOW, (), 0, 5000, scope=SCOPE)
    full, full_total = data.read("tickets_page", WINDOW, (), 0, 5000, scope=FULL)
    assert set(page["vendor"]) == {VENDOR}
    assert total == int((full["vendor"] == VENDOR).sum()) and full_total > total
    # agent ids and reporter-level columns of other vendors never come back
    assert set(page["agent_id"].dropna()) <= set(full.loc[full["vendor"] == VENDOR, "agent_id"].dropna())


@pytest.mark.parametrize("name, args", [
    ("series", ("inflow", WINDOW.with_values(vendor=(OTHER,)), "day", ())),
    ("series", ("inflow", WINDOW.with_values(vendor=(VENDOR, OTHER)), "day", ())),
    ("kpis", (WINDOW.with_values(vendor=(OTHER,)),)),
    ("tickets_page", (WINDOW.with_values(vendor=(OTHER,)), (), 0, 10)),
    ("ticket_sample", ((("vendor", (OTHER,)),), WINDOW.date_from, WINDOW.date_to, 10)),
    ("ticket_sample", ((("vendor", OTHER),), WINDOW.date_from, WINDOW.date_to, 10)),
    ("anomaly_list", (WINDOW.with_values(vendor=(OTHER,)), "all", None)),
])
def test_asking_for_another_vendor_is_refused(data, name, args):
    with pytest.raises(Forbidden, match=VENDOR):
        data.read(name, *args, scope=SCOPE)


def test_an_alert_outside_the_scope_is_not_found(data):
    alerts = data.read("anomaly_list", Filters(), "all", None, scope=FULL)
    assert len(alerts) >= 2
    for row in alerts.to_dict("records"):
        ours = f'"vendor": "{VENDOR}"' in row["dims_json"]
        detail = data.read("anomaly_detail", row["anomaly_id"], scope=SCOPE)
        assert (detail is not None) == ours
        if ours:
            assert vendors_in(detail.get("tickets", pd.DataFrame())) <= {VENDOR}


def test_cached_panels_are_kept_apart_per_scope(data):
    """A drawing cached for a full-scope user is never served to a vendor user (memo keys on scope)."""
    data.scope_of = lambda: FULL
    try:
        assert data.memo(("test", 1), lambda: "everyone's") == "everyone's"
        data.scope_of = lambda: SCOPE
        assert data.memo(("test", 1), lambda: "vendor's") == "vendor's"
    finally:
        from dashboards.auth.context import current_scope
        data.scope_of = current_scope


def block_payload(name: str, search: str) -> dict:
    panel = {"name": name, "type": "block-query"}
    return {"output": '{"name":["MATCH"],"type":"block"}.children',
            "outputs": {"id": {"name": name, "type": "block"}, "property": "children"},
            "inputs": [{"id": panel, "property": "data", "value": {"search": search}},
                       {"id": "theme-store", "property": "data", "value": "light"}],
            "state": [{"id": panel, "property": "id", "value": panel}], "changedPropIds": []}


def test_a_vendor_user_over_http_sees_its_scorecard_row_only(data):
    from tests.auth_fixtures import signed_in_client
    app = create_app(data.config)
    client = signed_in_client(app, "lumen", "vendor", VENDOR)
    client.get("/")
    search = "?from=2026-05-01&to=2026-07-31"
    text = client.post("/_dash-update-component", json=block_payload("vendor-scorecard", search)).get_data(as_text=True)
    assert VENDOR in text and OTHER not in text and "in_house" not in text
    # naming another vendor in the URL, the filter bar or a crafted payload is refused
    text = client.post("/_dash-update-component",
                       json=block_payload("vendor-scorecard", search + "&vendor=Kestrel+CX")).get_data(as_text=True)
    assert f"this account sees vendor {VENDOR} only" in text and OTHER not in text
    # pages that hold every vendor's raw rows are closed
    text = client.post("/_dash-update-component",
                       json=block_payload("health-rejected-rows", "")).get_data(as_text=True)
    assert "not available to vendor accounts" in text
    analyst = signed_in_client(app, "ana", "analyst")
    text = analyst.post("/_dash-update-component", json=block_payload("vendor-scorecard", search)).get_data(as_text=True)
    assert VENDOR in text and OTHER in text


def test_a_vendor_account_sees_no_ops_calendar_markers(data):
    from anomaly import triage
    from dashboards.annotations_feed import annotations_in_window
    from tests.auth_fixtures import as_user
    triage.add_annotation(data.config.triage_path, "2026-06-10", None, "Kestrel CX cut-over", "vendor_change")
    app = create_app(data.config)
    with as_user(app, "ana", "analyst"):
        assert list(annotations_in_window(data.config, WINDOW)["label"]) == ["Kestrel CX cut-over"]
    with as_user(app, "lumen", "vendor", VENDOR):
        assert annotations_in_window(data.config, WINDOW).empty
