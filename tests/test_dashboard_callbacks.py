"""Dashboard callbacks called as plain functions against real warehouse files."""
from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pandas as pd
import pytest
from dash import no_update

from dashboards.app import create_app
from dashboards.callbacks.chrome import banner, toggle_theme
from dashboards.callbacks.filter_sync import Controls, nav_hrefs, sync_filters
from dashboards.callbacks.panels import (NO_WAREHOUSE, drill_href, panel_csv, render_block,
                                         render_graph)
from dashboards.callbacks.tickets import ticket_count_text, ticket_rows_response
from dashboards.components import LOCATION_ID
from dashboards.csv_export import frame_to_csv, neutralise_cell
from dashboards.filters import Filters
from dashboards.state import current_state
from tests.dashboard_fixtures import config_for, sample_rows, write_warehouse

RANGE = (dt.date(2026, 3, 1), dt.date(2026, 3, 28))
KNOWN = {"region": ["BR", "US"], "vendor": ["acme"]}


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("sample")
    cfg = config_for(tmp)
    rows = sample_rows()
    write_warehouse(cfg.db_path, rows)
    app = create_app(cfg)
    with app.server.app_context():
        yield current_state(), rows


@pytest.fixture
def empty(tmp_path):
    cfg = config_for(tmp_path)
    write_warehouse(cfg.db_path, [])
    app = create_app(cfg)
    with app.server.app_context():
        yield current_state()


def controls(**kw) -> Controls:
    base = dict(start_date="2026-03-01", end_date="2026-03-28", dims={}, high_profile="all")
    base.update(kw)
    return Controls(**base)


# ---- filter bar <-> URL ---------------------------------------------------------------------

def test_url_sets_the_controls():
    out = sync_filters(LOCATION_ID, "?from=2026-03-02&to=2026-03-09&region=BR&high_profile=true",
                       controls(), RANGE, KNOWN)
    assert out[0] is no_update
    assert out[1:3] == ("2026-03-02", "2026-03-09")
    assert out[3] == ["BR"]            # region is the first dimension
    assert out[9] == "true"
    # the region dropdown gets its options in the same response, URL-only values included
    assert out[10] == [{"label": "BR", "value": "BR"}, {"label": "US", "value": "US"}]
    out = sync_filters(LOCATION_ID, "?region=ZZ", controls(), RANGE, KNOWN)
    assert [o["value"] for o in out[10]] == ["BR", "US", "ZZ"]


def test_url_without_dates_shows_the_default_window():
    out = sync_filters(None, "", controls(), RANGE, KNOWN)
    assert out[1:3] == ("2026-03-01", "2026-03-28")


def test_control_change_writes_the_url_and_keeps_page_keys():
    out = sync_filters("f-vendor", "?status=new", controls(dims={"vendor": ["acme"]}), RANGE, KNOWN)
    assert Filters.from_search(out[0]) == Filters(date_from=RANGE[0], date_to=RANGE[1], vendor=("acme",))
    assert "status=new" in out[0]
    assert all(v is no_update for v in out[1:])


def test_unchanged_controls_do_not_push_history():
    search = "?from=2026-03-01&to=2026-03-28"
    out = sync_filters("f-region", search, controls(), RANGE, KNOWN)
    assert out[0] is no_update


def test_reset_clears_filters_but_not_page_keys():
    out = sync_filters("f-reset", "?region=BR&status=new", controls(dims={"region": ["BR"]}), RANGE, KNOWN)
    assert out[0] == "?status=new"
    assert out[3] == []


def test_navigation_keeps_filters_only():
    hrefs = nav_hrefs("?region=BR&status=new")
    assert "/?region=BR" in hrefs and "/tickets?region=BR" in hrefs
    assert not any("status" in h for h in hrefs)


# ---- drill-down -------------------------------------------------------------------------------

def test_drill_narrows_current_filters():
    click = {"points": [{"customdata": "from=2026-03-05&to=2026-03-05&region=BR"}]}
    href = drill_href("?region=US&region=BR&vendor=acme&from=2026-03-01&to=2026-03-28", click)
    assert href.startswith("/tickets?")
    f = Filters.from_search(href.split("?", 1)[1])
    assert f == Filters(date_from=dt.date(2026, 3, 5), date_to=dt.date(2026, 3, 5), region=("BR",),
                        vendor=("acme",))


def test_drill_from_a_backlog_point_keeps_the_filters_and_asks_for_that_days_open_tickets():
    click = {"points": [{"customdata": "open_on=2026-03-05"}]}
    href = drill_href("?region=BR&from=2026-03-01&to=2026-03-28&by=vendor", click)
    assert href == "/tickets?from=2026-03-01&to=2026-03-28&region=BR&open_on=2026-03-05"


@pytest.mark.parametrize("chart", ["backlog-trend", "backlog-ageing"])
@pytest.mark.parametrize("search", ["?from=2026-02-01&to=2026-02-21", "?from=2026-03-01&to=2026-03-14&region=BR"])
def test_a_backlog_point_drills_to_exactly_the_tickets_it_counts(sample, chart, search):
    """Click a day of the backlog (or of one age band): the ticket page lists the tickets open at
    that day's end (in that band), whenever created, as many as the point shows, each open then."""
    state, _rows = sample
    fig = render_graph(state, chart, {"search": search}, "light")
    points = [(pd.Timestamp(x).date().isoformat(), y, fragment)
              for trace in fig.data for x, y, fragment in zip(trace.x, trace.y, trace.customdata)
              if not pd.isna(y) and y > 0]
    assert points
    for day, value, fragment in points[::max(1, len(points) // 6)]:
        href = drill_href(search, {"points": [{"customdata": fragment}]})
        store = {"search": href.split("?", 1)[1]}
        assert ticket_count_text(state, store).startswith(f"{int(value):,} tickets open at the end of {day}")
        listed = ticket_rows_response(state, {"startRow": 0, "endRow": 5000}, store)
        assert listed["rowCount"] == value
        end = pd.Timestamp(day) + pd.Timedelta(days=1)            # the config's zone is UTC
        for row in listed["rowData"]:
            assert pd.Timestamp(row["created_at"]) < end
            assert row["resolved_at"] is None or pd.Timestamp(row["resolved_at"]) >= end - pd.Timedelta(minutes=1)


def test_an_age_band_bar_names_its_band_on_the_ticket_page(sample):
    state, _rows = sample
    fig = render_graph(state, "backlog-ageing", {"search": "?from=2026-03-01&to=2026-03-14"}, "light")
    oldest = next(t for t in fig.data if t.name == "≥ 7 days")
    assert oldest.customdata[3] == "open_on=2026-03-04&open_age=gt_7d"
    store = {"search": drill_href("?from=2026-03-01&to=2026-03-14", {"points": [{"customdata": oldest.customdata[3]}]})
             .split("?", 1)[1]}
    assert "tickets open at the end of 2026-03-04, aged ≥ 7 days (that day's backlog)" in ticket_count_text(state, store)


@pytest.mark.parametrize("click", [None, {}, {"points": []}, {"points": [{"x": 1}]}])
def test_drill_ignores_points_without_a_slice(click):
    assert drill_href("", click) is None


# ---- CSV ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("cell, expected", [
    ("=HYPERLINK(\"x\")", "'=HYPERLINK(\"x\")"), ("+1", "'+1"), ("-2+3", "'-2+3"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\tx", "'\tx"), ("BR", "BR"), ("a=b", "a=b"), (-0.5, -0.5), (None, None),
])
def test_formula_cells_are_neutralised(cell, expected):
    assert neutralise_cell(cell) == expected


def test_csv_keeps_negative_numbers_numeric():
    import pandas as pd
    text = frame_to_csv(pd.DataFrame({"vendor": ["=evil", "ok"], "change": [-0.25, 1.0]}))
    assert list(csv.reader(io.StringIO(text))) == [["vendor", "change"], ["'=evil", "-0.25"], ["ok", "1.0"]]


def test_panel_csv_is_the_charted_data(sample):
    state, rows = sample
    search = "?from=2026-02-10&to=2026-02-16&region=BR"
    payload = panel_csv(state, "overview-inflow", search)
    assert payload["filename"] == "overview-inflow_2026-02-10_2026-02-16.csv"
    parsed = list(csv.DictReader(io.StringIO(payload["content"])))
    total = sum(float(r["value"]) for r in parsed)
    expected = sum(1 for r in rows if r["region"] == "BR"
                   and dt.date(2026, 2, 10) <= r["created_at"].date() <= dt.date(2026, 2, 16))
    assert total == expected > 0


# ---- panels --------------------------------------------------------------------------------------

def test_inflow_chart_counts_match_the_tickets(sample):
    state, rows = sample
    fig = render_graph(state, "overview-inflow", {"search": "?from=2026-02-01&to=2026-02-14&vendor=acme"}, "light")
    by_category = {t.name: sum(t.y) for t in fig.data}
    expected: dict[str, int] = {}
    for r in rows:
        if r["vendor"] == "acme" and r["created_at"].date() <= dt.date(2026, 2, 14):
            expected[r["abuse_category"]] = expected.get(r["abuse_category"], 0) + 1
    assert by_category == expected


def test_chart_points_carry_their_drill_slice(sample):
    state, _rows = sample
    fig = render_graph(state, "overview-inflow", {"search": "?from=2026-02-01&to=2026-02-07"}, "light")
    trace = fig.data[0]
    assert trace.customdata[0] == f"from=2026-02-01&to=2026-02-01&abuse_category={trace.name}"


def test_no_match_shows_a_message_not_a_broken_chart(sample):
    state, _rows = sample
    fig = render_graph(state, "overview-inflow", {"search": "?from=2030-01-01&to=2030-01-07"}, "dark")
    assert fig.layout.annotations[0].text == "No tickets match these filters"
    assert fig.layout.paper_bgcolor == "#1b2230"   # dark theme reaches the chart


def test_unknown_filter_value_is_named(sample):
    state, _rows = sample
    fig = render_graph(state, "overview-inflow", {"search": "?region=ZZ"}, "light")
    assert "'ZZ'" in fig.layout.annotations[0].text and "BR" in fig.layout.annotations[0].text


def test_kpi_tiles_on_empty_and_missing_warehouses(empty, tmp_path):
    assert render_block(empty, "overview-kpis", {"search": ""}, "light").children == \
        "No tickets match these filters"
    empty.config.db_path.unlink()
    assert render_block(empty, "overview-kpis", {"search": ""}, "light").children == NO_WAREHOUSE


def test_kpi_tile_values(sample):
    state, rows = sample
    block = render_block(state, "overview-kpis", {"search": "?from=2026-02-08&to=2026-02-14"}, "light")
    tiles = {t.to_plotly_json()["props"]["data-metric"]: t for t in block.children}
    inflow = sum(1 for r in rows if dt.date(2026, 2, 8) <= r["created_at"].date() <= dt.date(2026, 2, 14))
    assert tiles["inflow"].children[1].children == f"{inflow:,}"
    assert "target 60.0%" in str(tiles["sla_frt_attainment"].children[3].children[0].children)


# ---- ticket table --------------------------------------------------------------------------------

def test_ticket_pages_and_sorting(sample):
    state, rows = sample
    store = {"search": "?from=2026-02-01&to=2026-03-14&region=DE"}
    expected = sorted((r for r in rows if r["region"] == "DE"), key=lambda r: r["created_at"])
    first = ticket_rows_response(state, {"startRow": 0, "endRow": 10,
                                         "sortModel": [{"colId": "created_at", "sort": "asc"}]}, store)
    assert first["rowCount"] == len(expected)
    assert [r["ticket_id"] for r in first["rowData"]] == [r["ticket_id"] for r in expected[:10]]
    second = ticket_rows_response(state, {"startRow": 10, "endRow": 20,
                                          "sortModel": [{"colId": "created_at", "sort": "asc"}]}, store)
    assert [r["ticket_id"] for r in second["rowData"]] == [r["ticket_id"] for r in expected[10:20]]
    json.dumps(first)   # the grid gets plain JSON
    assert "reporter_hash" not in first["rowData"][0]


def test_grid_column_filter_narrows(sample):
    state, rows = sample
    store = {"search": "?from=2026-02-01&to=2026-03-14"}
    out = ticket_rows_response(state, {"startRow": 0, "endRow": 5,
                                       "filterModel": {"vendor": {"type": "equals", "filter": "globex"}}}, store)
    assert out["rowCount"] == sum(1 for r in rows if r["vendor"] == "globex")
    excluded = ticket_rows_response(state, {"startRow": 0, "endRow": 5, "filterModel": {
        "vendor": {"type": "equals", "filter": "globex"}}}, {"search": "?vendor=acme"})
    assert excluded == {"rowData": [], "rowCount": 0}


# ---- header ----------------------------------------------------------------------------------------

def test_banner_reports_refresh_outcome(empty):
    path = empty.config.refresh_status_path
    text = lambda: "".join(str(p.children) for p in banner(empty))  # noqa: E731
    assert "no refresh recorded" in text()
    path.write_text(json.dumps({"finished_at": "2026-03-28T06:00:00Z", "status": "ok", "error": None}))
    assert "last refresh ok at 2026-03-28 06:00 UTC" in text()
    path.write_text(json.dumps({"finished_at": "2026-03-28T07:00:00Z", "status": "failed",
                                "error": "inbox/x.csv: line 3 bad date"}))
    assert "last refresh FAILED at 2026-03-28 07:00 UTC: inbox/x.csv: line 3 bad date" in text()


@pytest.mark.parametrize("clicks, theme, expected", [(0, None, "light"), (1, "light", "dark"),
                                                      (2, "dark", "light"), (1, "bogus", "dark")])
def test_theme_toggle(clicks, theme, expected):
    assert toggle_theme(clicks, theme) == expected


def test_page_switch_writes_only_non_default_values():
    from dashboards.callbacks.filter_sync import page_param_search
    assert page_param_search("?region=BR", ["status", "severity"], ["open", "all"], ["open", "all"]) == "?region=BR"
    assert page_param_search("?region=BR&status=new", ["status"], ["resolved"], ["open"]) == \
        "?region=BR&status=resolved"
    assert page_param_search("?status=new", ["status"], ["open"], ["open"]) == ""


def test_rendered_panels_are_cached_until_triage_or_data_change(sample):
    from dashboards.callbacks.panels import cached_block, cached_graph
    state, _rows = sample
    store = {"search": "?from=2026-02-01&to=2026-02-07"}
    from plotly.utils import PlotlyJSONEncoder
    as_json = lambda fig: json.dumps(fig, cls=PlotlyJSONEncoder, sort_keys=True)  # noqa: E731
    first = as_json(cached_graph(state, "overview-inflow", store, "light"))
    assert as_json(cached_graph(state, "overview-inflow", store, "light")) == first
    assert as_json(cached_graph(state, "overview-inflow", store, "dark")) != first   # theme is in the key
    key_before = state.data.triage_key()
    from dashboards.anomaly_data import add_annotation as add
    add(state.config, "2026-02-03", None, "launch X", "launch", None, None, None)
    assert state.data.triage_key() != key_before
    with_marker = cached_graph(state, "overview-inflow", store, "light")
    assert "launch X" in str(with_marker["layout"].get("annotations"))
    assert "Key figures" not in str(cached_block(state, "overview-kpis", store, "light"))


def test_movers_compare_the_latest_complete_week(sample):
    from dashboards.callbacks.panels import load_panel
    state, rows = sample
    _panel, _ctx, df = load_panel(state, "abuse-movers", "?from=2026-02-02&to=2026-02-23")   # ends on a Monday

    def count(cat, first, last):
        return sum(1 for r in rows if r["abuse_category"] == cat and first <= r["created_at"].date() <= last)

    assert {pd.Timestamp(p).date() for p in df["period_start"]} == {dt.date(2026, 2, 16)}
    for r in df.itertuples():
        assert r.value == count(r.abuse_category, dt.date(2026, 2, 16), dt.date(2026, 2, 22))
        assert r.previous_value == count(r.abuse_category, dt.date(2026, 2, 9), dt.date(2026, 2, 15))
    assert list(df["abs_change"]) == sorted(df["abs_change"], reverse=True)


def test_clearing_the_date_picker_returns_to_the_default_window():
    out = sync_filters("f-date", "?from=2026-02-01&to=2026-02-10&region=BR",
                       controls(start_date=None, end_date=None, dims={"region": ["BR"]}), RANGE, KNOWN)
    assert Filters.from_search(out[0]) == Filters(region=("BR",))
    assert out[1:3] == ("2026-03-01", "2026-03-28")
