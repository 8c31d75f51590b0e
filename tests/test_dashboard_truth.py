"""The pages never leave the reader to guess a zone, a unit or how complete a number is
(issue 18): callbacks and panels called as plain functions on a real warehouse whose reporting
zone is not UTC (America/Sao_Paulo, UTC-3; Asia/Tokyo, UTC+9 for the date-line cases)."""
from __future__ import annotations

import datetime as dt
import json

import dash
import pandas as pd
import pytest

from core.config import load_config
from core.warehouse import connect_read
from dashboards.app import create_app
from dashboards.callbacks.chrome import banner
from dashboards.callbacks.panels import panel_context, render_block
from dashboards.callbacks.tickets import ticket_rows_response
from dashboards.formatting import alert_span, format_local, series_label
from dashboards.panels import anomalies as alert_panels
from dashboards.panels import anomaly_detail
from dashboards.panels.response import render_breach_risk
from dashboards.state import current_state
from metrics.ticket_listing import breach_risk_tickets
from tests.dashboard_fixtures import sample_rows, write_warehouse
from tests.ticket_factory import ticket


def zoned_config(tmp_path, zone: str):
    cfg = tmp_path / "safetyops.toml"
    cfg.write_text(f'[warehouse]\npath = "warehouse.duckdb"\n[reporting]\ntimezone = "{zone}"\n'
                   '[privacy]\nhash_key = "test-key"\n[metrics.targets]\nsla_frt_attainment = 0.6\n',
                   encoding="utf-8")
    return load_config(cfg)


# Created 01:30 UTC on 2026-02-10: 22:30 on 2026-02-09 in Sao Paulo.
LATE_EVENING = ticket("2026-02-10 01:30", ticket_id="late-evening", region="BR")


@pytest.fixture(scope="module")
def sao_paulo(tmp_path_factory):
    cfg = zoned_config(tmp_path_factory.mktemp("sp"), "America/Sao_Paulo")
    write_warehouse(cfg.db_path, sample_rows() + [LATE_EVENING])
    app = create_app(cfg)
    with app.server.app_context():
        yield current_state()


def page_layout(path: str):
    return next(p for p in dash.page_registry.values() if p["path"] == path)["layout"]


def block_text(component) -> str:
    """All text of a rendered Dash component tree."""
    if component is None:
        return ""
    if isinstance(component, (str, int, float)):
        return str(component)
    if isinstance(component, (list, tuple)):
        return " ".join(block_text(c) for c in component)
    return block_text(getattr(component, "children", None))


# ---- 1. one reporting zone, named ---------------------------------------------------------------

def test_banner_names_the_zone_and_formats_the_refresh_time(sao_paulo):
    sao_paulo.config.refresh_status_path.write_text(json.dumps(
        {"finished_at": "2026-12-06T04:40:32.313368+00:00", "status": "ok", "error": None}))
    text = block_text(banner(sao_paulo))
    assert "last refresh ok at 2026-12-06 01:40 America/Sao_Paulo" in text
    assert "+00:00" not in text and "T04:40" not in text
    as_of = pd.Timestamp(sao_paulo.data.read("as_of"))
    assert f"data as of {as_of.tz_convert('America/Sao_Paulo'):%Y-%m-%d %H:%M} America/Sao_Paulo" in text


def test_ticket_grid_shows_creation_times_in_the_reporting_zone(sao_paulo):
    out = ticket_rows_response(sao_paulo, {"startRow": 0, "endRow": 500},
                               {"search": "?from=2026-02-09&to=2026-02-09&region=BR"})
    by_id = {r["ticket_id"]: r for r in out["rowData"]}
    assert by_id["late-evening"]["created_at"] == "2026-02-09 22:30"
    # every listed ticket was created on the day the filter names, read in the same zone
    assert out["rowCount"] == len(out["rowData"]) > 1
    assert all(r["created_at"].startswith("2026-02-09") for r in out["rowData"])


def test_ticket_grid_headers_name_the_zone(sao_paulo):
    grid = next(c for c in page_layout("/tickets")().children if getattr(c, "id", None) == "tickets-grid")
    headers = {c["field"]: c["headerName"] for c in grid.columnDefs}
    assert headers["created_at"] == "created at (America/Sao_Paulo)"
    assert headers["resolved_at"] == "resolved at (America/Sao_Paulo)"
    assert headers["region"] == "region"


def test_breach_minutes_count_from_now_not_from_the_data(tmp_path):
    cfg = zoned_config(tmp_path, "UTC")
    # normal priority: first-response target 24 h after creation (config default)
    rows = [ticket("2026-03-10 08:00", ticket_id="due-10"), ticket("2026-03-10 09:30", ticket_id="due-11:30"),
            ticket("2026-03-10 11:00", ticket_id="newest")]
    write_warehouse(cfg.db_path, rows)
    target = cfg.sla_frt_minutes["normal"]
    with connect_read(cfg.db_path) as con:
        now = dt.datetime(2026, 3, 10, 8, 0, tzinfo=dt.timezone.utc) + dt.timedelta(minutes=target - 30)
        frame = breach_risk_tickets(con, cfg, now=now)
        assert frame["ticket_id"].tolist()[:2] == ["due-10", "due-11:30"]
        assert frame["minutes_left"].tolist()[:2] == [30.0, 120.0]
        later = breach_risk_tickets(con, cfg, now=now + dt.timedelta(minutes=45))
        assert "due-10" not in later["ticket_id"].tolist()      # its target has passed: a breach, not a risk


def test_breach_panel_on_stale_data_says_so(sao_paulo):
    ctx = panel_context(sao_paulo, "", None)
    df = ctx.read("breach_risk", ctx.filters, dt.datetime.now(dt.timezone.utc).replace(second=0, microsecond=0))
    assert df.empty        # the sample data is months old: nothing is due in the next hours
    text = block_text(render_breach_risk(df, ctx))
    assert "from now" in text and "The newest ticket data is from" in text and "America/Sao_Paulo" in text


def alert_row(**kw) -> dict:
    row = {"anomaly_id": "a1", "severity": "high", "family": "counts_daily", "metric": "inflow", "grain": "day",
           "series_key": "abuse_category=impersonation|region=US",
           "start_at": pd.Timestamp("2026-07-19 15:00", tz="UTC"), "end_at": pd.Timestamp("2026-07-20 15:00", tz="UTC"),
           "observed": 35.0, "expected": 13.0, "triage_status": "new", "explanation": "x: y",
           "withdrawn_at": None, "withdrawn_reason": None, "replaced_by": None}
    row.update(kw)
    return row


def test_daily_alerts_are_dated_in_the_reporting_zone():
    # a Tokyo day starts at 15:00 UTC the day before
    assert alert_span(pd.Timestamp("2026-07-19 15:00", tz="UTC"), pd.Timestamp("2026-07-20 15:00", tz="UTC"),
                      "day", "Asia/Tokyo") == ("2026-07-20", "2026-07-21")
    assert alert_span(pd.Timestamp("2026-07-20 03:00", tz="UTC"), pd.Timestamp("2026-07-20 03:00", tz="UTC"),
                      "day", "America/Sao_Paulo") == ("2026-07-20", "2026-07-20")
    assert alert_span(pd.Timestamp("2026-07-20 17:00", tz="UTC"), pd.Timestamp("2026-07-20 18:00", tz="UTC"),
                      "hour", "America/Sao_Paulo") == ("2026-07-20 14:00", "2026-07-20 15:00")


def test_alert_list_shows_dates_and_readable_series(sao_paulo):
    ctx = panel_context(sao_paulo, "?status=all", None)
    text = block_text(alert_panels.render_list(pd.DataFrame([alert_row(
        start_at=pd.Timestamp("2026-07-20 03:00", tz="UTC"), end_at=pd.Timestamp("2026-07-20 03:00", tz="UTC"))]), ctx))
    assert "2026-07-20" in text and "03:00" not in text and "+00:00" not in text
    assert "Impersonation · US" in text and "abuse_category=" not in text
    assert "daily inflow" in text and "from (America/Sao_Paulo)" in text


def test_anomaly_tickets_lie_in_the_dates_the_panel_names(sao_paulo):
    # a daily alert on BR for 2026-02-09 (Sao Paulo): 03:00 UTC that day
    detail = {"anomaly_id": "d1", "family": "counts_daily", "metric": "inflow", "grain": "day",
              "dims": {"region": "BR"}, "start_at": pd.Timestamp("2026-02-09 03:00", tz="UTC"),
              "end_at": pd.Timestamp("2026-02-09 03:00", tz="UTC")}
    ctx = panel_context(sao_paulo, "?anomaly=d1", None)
    ctx.fetched[("anomaly_detail", repr(("d1",)))] = detail
    text = block_text(anomaly_detail.render_tickets(anomaly_detail.load_tickets(ctx), ctx))
    assert "created 2026-02-09 to 2026-02-09 (America/Sao_Paulo)" in text
    assert "2026-02-09 22:30" in text           # the late-evening ticket, at its local time
    stamps = [w for w in text.split() if w[:4] == "2026" and len(w) == 10]
    assert stamps and set(stamps) == {"2026-02-09"}


# ---- 5. alerts -----------------------------------------------------------------------------------------

def test_series_keys_read_as_words():
    assert series_label("abuse_category=impersonation|region=US") == "Impersonation · US"
    assert series_label("region=US|abuse_category=hateful_conduct") == "Hateful conduct · US"
    assert series_label("region=IN|vendor=Harbor Ops") == "IN · Harbor Ops"
    assert series_label("") == "all tickets"


def test_overview_lists_one_row_per_incident(sao_paulo):
    ctx = panel_context(sao_paulo, "", None)
    daily = alert_row(anomaly_id="d", family="counts_daily", grain="day",
                      start_at=pd.Timestamp("2026-08-19 03:00", tz="UTC"))
    hourly = alert_row(anomaly_id="h", family="counts_hourly", grain="hour",
                       start_at=pd.Timestamp("2026-08-19 17:00", tz="UTC"))
    other = alert_row(anomaly_id="o", series_key="abuse_category=spam|region=BR",
                      start_at=pd.Timestamp("2026-08-19 03:00", tz="UTC"))
    out = render_block_of(alert_panels.render_counts, pd.DataFrame([daily, hourly, other]), ctx)
    items = out.children[1].children
    assert len(items) == 2
    texts = [block_text(i) for i in items]
    assert texts[0].count("Impersonation · US") == 1 and "+1 more alert" in texts[0]
    assert "Spam · BR" in texts[1] and "more alert" not in texts[1]


def test_overview_lists_a_grouped_incident_once_by_its_most_severe_alert(sao_paulo):
    ctx = panel_context(sao_paulo, "", None)
    lead = alert_row(anomaly_id="lead", severity="low", parent_id=None,
                     start_at=pd.Timestamp("2026-08-19 03:00", tz="UTC"))
    by_vendor = alert_row(anomaly_id="v", severity="high", parent_id="lead",
                          series_key="abuse_category=impersonation|vendor=Harbor Ops",
                          start_at=pd.Timestamp("2026-08-20 03:00", tz="UTC"))
    alone = alert_row(anomaly_id="o", severity="medium", parent_id=None, series_key="abuse_category=spam|region=BR",
                      start_at=pd.Timestamp("2026-08-19 03:00", tz="UTC"))
    frame = pd.DataFrame([by_vendor, alone, lead])           # most severe first, as the read returns it
    out = render_block_of(alert_panels.render_counts, frame, ctx)
    texts = [block_text(i) for i in out.children[1].children]
    assert len(texts) == 2
    assert "Impersonation · Harbor Ops" in texts[0] and "+1 more alert" in texts[0]
    assert "Spam · BR" in texts[1] and "more alert" not in texts[1]


def render_block_of(render, df, ctx):
    return render(df, ctx)


def test_mix_alert_page_shows_the_shares_and_what_they_mean(sao_paulo):
    detail = {"anomaly_id": "m1", "family": "mix_daily", "metric": "category_mix", "grain": "day",
              "series_key": "region=IN", "dims": {"region": "IN"}, "severity": "low",
              "start_at": pd.Timestamp("2026-07-20 03:00", tz="UTC"), "end_at": pd.Timestamp("2026-07-20 03:00", tz="UTC"),
              "observed": 0.3, "expected": 0.2, "explanation": "IN daily category mix unusual",
              "abuse_category": "spam", "series": pd.DataFrame(),
              "contributors": [{"category": "spam", "share": 0.3, "expected_share": 0.2, "change_points": 10.0},
                               {"category": "harassment", "share": 0.1, "expected_share": 0.18,
                                "change_points": -8.0}]}
    ctx = panel_context(sao_paulo, "?anomaly=m1", None)
    ctx.fetched[("anomaly_detail", repr(("m1",)))] = detail
    series = anomaly_detail.load_series(ctx)
    assert not series.empty
    fig = anomaly_detail.render_series(series, ctx)
    assert [list(t.y) for t in fig.data] == [[0.2, 0.18], [0.3, 0.1]]
    assert fig.layout.yaxis.tickformat == ".0%"
    table = block_text(anomaly_detail.render_contributors(anomaly_detail.load_contributors(ctx), ctx))
    assert "30.0%" in table and "20.0%" in table and "+10.0 pts" in table and "–" not in table
    explanation = block_text(anomaly_detail.render_explanation(anomaly_detail.load_explanation(ctx), ctx))
    assert "Observed 30.0%" in explanation and "usual share" in explanation
    assert "daily category mix · 2026-07-20 (America/Sao_Paulo)" in explanation


def test_format_local_names_utc_plainly():
    assert format_local("2026-03-28T06:00:00Z", "UTC", with_zone=True) == "2026-03-28 06:00 UTC"
    assert format_local(None, "UTC") == "–"


def test_unknown_anomaly_blocks_render_the_unknown_message(sao_paulo):
    out = render_block(sao_paulo, "anomaly-explanation", {"search": "?anomaly=nope"}, None)
    assert "Unknown anomaly id" in block_text(out)


# ---- 2. one unit per measure ----------------------------------------------------------------------------

def test_first_response_tiles_share_one_unit(sao_paulo):
    from dashboards.panels.overview import render_kpis
    ctx = panel_context(sao_paulo, "", None)
    df = pd.DataFrame([{"metric": "frt_p50", "value": 102.0, "previous_value": 100.0, "target": None},
                       {"metric": "frt_p90", "value": 414.0, "previous_value": 380.0, "target": None}])
    tiles = render_kpis(df, ctx).children
    values = [block_text(t.children[1]) for t in tiles]
    assert values == ["1.7 h", "6.9 h"]        # not "102 min" beside "6.9 h"


def test_scorecard_duration_column_has_one_unit_named_in_its_header():
    from dashboards.panels.tables import data_table
    from dashboards.panels.vendors import SCORE_COLUMNS, scaled_columns
    df = pd.DataFrame({"vendor": ["a", "b"], "frt_p50": [102.0, 414.0], "frt_p90": [30.0, 90.0]})
    cols = [c for c in scaled_columns(df, SCORE_COLUMNS) if c[0] in df.columns]
    table = data_table(df, cols)
    headers = [block_text(th) for th in table.children[0].children.children]
    assert headers == ["vendor", "FRT p50 (h)", "FRT p90 (min)"]
    cells = [[block_text(td) for td in tr.children] for tr in table.children[1].children]
    assert cells == [["a", "1.7 h", "30 min"], ["b", "6.9 h", "90 min"]]


def test_response_chart_axis_is_in_a_readable_unit(sao_paulo):
    from dashboards.callbacks.panels import render_graph
    fig = render_graph(sao_paulo, "sla-frt", {"search": "?from=2026-02-01&to=2026-03-14"}, None)
    assert fig.layout.yaxis.title.text == "hours"     # sample first responses run to 3,000 min
    ys = [y for t in fig.data for y in t.y if not pd.isna(y)]
    assert ys and max(ys) <= 3000 / 60


def test_alert_list_observed_and_expected_share_a_unit(sao_paulo):
    ctx = panel_context(sao_paulo, "?status=all", None)
    row = alert_row(metric="frt_p90", family="frt_p90_daily", series_key="region=IN|vendor=Harbor Ops",
                    observed=11060.1, expected=90.0)
    text = block_text(alert_panels.render_list(pd.DataFrame([row]), ctx))
    assert "184.3 h" in text and "1.5 h" in text and " min" not in text


# ---- 3. maturing days ------------------------------------------------------------------------------------

def test_last_days_of_an_sla_line_are_marked_maturing_with_the_reason(sao_paulo):
    from dashboards.callbacks.panels import render_graph
    as_of = pd.Timestamp(sao_paulo.data.read("as_of")).tz_convert("America/Sao_Paulo").tz_localize(None)
    longest = pd.Timedelta(minutes=max(sao_paulo.config.sla_frt_minutes.values()))
    expected_since = (as_of - longest).floor("D").date()
    for name in ("overview-sla", "sla-attainment", "sla-frt"):
        fig = render_graph(sao_paulo, name, {"search": ""}, None)
        assert fig.layout.meta["maturing_since"] == expected_since.isoformat(), name
        shaded = [s for s in fig.layout.shapes if s.type == "rect"]
        assert len(shaded) == 1 and pd.Timestamp(shaded[0].x0).date() == expected_since
        line = fig.data[0]
        days = pd.to_datetime(pd.Series(list(line.x))).dt.date
        for day, text in zip(days, line.text):
            assert ("still maturing" in text) == (day >= expected_since), (name, day)


def test_a_window_long_before_the_data_end_is_not_marked(sao_paulo):
    from dashboards.callbacks.panels import render_graph
    fig = render_graph(sao_paulo, "overview-sla", {"search": "?from=2026-02-01&to=2026-02-20"}, None)
    assert not [s for s in fig.layout.shapes if s.type == "rect"]
    assert "maturing_since" not in (fig.layout.meta or {})


# ---- 4. axes that do not exaggerate -----------------------------------------------------------------------

def test_backlog_axis_starts_at_zero(sao_paulo):
    from dashboards.callbacks.panels import render_graph
    fig = render_graph(sao_paulo, "backlog-trend", {"search": ""}, None)
    assert fig.layout.yaxis.rangemode == "tozero"


def test_one_cell_heatmap_colour_bar_runs_from_zero(sao_paulo):
    from dashboards.callbacks.panels import render_graph
    fig = render_graph(sao_paulo, "abuse-heatmap", {"search": "?region=BR&abuse_category=spam"}, None)
    cell = fig.data[0]
    assert len(cell.z) == 1 and len(cell.z[0]) == 1
    assert cell.zmin == 0 and cell.zmax == max(1.0, float(cell.z[0][0]))


def test_sla_axis_of_date_only_data_stays_within_100_percent(tmp_path):
    from dashboards.callbacks.panels import render_graph
    cfg = zoned_config(tmp_path, "UTC")
    # date-only exports: answered "the same day" reads as answered at creation, so every ticket meets
    rows = [ticket(f"2026-03-{d:02d} 00:00", first_response_at=f"2026-03-{d:02d} 00:00") for d in range(1, 15)]
    write_warehouse(cfg.db_path, rows)
    app = create_app(cfg)
    with app.server.app_context():
        state = current_state()
        for name in ("overview-sla", "sla-attainment", "sla-attainment-by", "vendor-sla", "vendor-sla-weekly"):
            fig = render_graph(state, name, {"search": ""}, None)
            assert tuple(fig.layout.yaxis.range) == (0, 1.02), name
            assert fig.layout.yaxis.tickformat == ".0%"


# ---- 6. freshness by data time -------------------------------------------------------------------------

def test_freshness_is_red_when_the_newest_ticket_is_old_even_after_a_recent_load(tmp_path, memory_con, config,
                                                                                   sao_paulo):
    from dashboards.panels.health import render_freshness
    from metrics.load_health import source_freshness
    from tests.ingest_fixtures import CANONICAL_COLUMNS, canonical_row, load, write_csv
    load(memory_con, write_csv(tmp_path / "a.csv", CANONICAL_COLUMNS, [
        canonical_row(ticket_id="A", created_at="2026-03-01T10:00:00Z", updated_at="2026-03-02T10:00:00Z")]), config)
    finished = memory_con.execute("SELECT max(finished_at) FROM load_runs").fetchall()[0][0]
    fresh = source_freshness(memory_con, now=finished + dt.timedelta(hours=1))
    newest = dt.datetime(2026, 3, 2, 10, tzinfo=dt.timezone.utc)
    assert fresh["newest_ticket_at"][0].to_pydatetime() == newest
    hours = (finished + dt.timedelta(hours=1) - newest).total_seconds() / 3600
    assert abs(float(fresh["hours_since_newest_ticket"][0]) - hours) < 1 / 60
    ctx = panel_context(sao_paulo, "", None)
    # the page reads the sources once per warehouse version and ages them against the clock itself
    from dashboards.panels.health import load_freshness
    ctx.fetched[("source_freshness", repr(()))] = source_freshness(memory_con)
    aged = load_freshness(ctx, finished + dt.timedelta(hours=1))
    for col in ("hours_since_load", "hours_since_newest_ticket"):
        assert abs(float(aged[col][0]) - float(fresh[col][0])) < 1 / 60, col
    table = render_freshness(aged, ctx)
    headers = [block_text(th) for th in table.children[0].children.children]
    cells = table.children[1].children[0].children
    by_header = dict(zip(headers, cells))
    assert by_header["since load"].className == "good"                   # loaded an hour ago ...
    assert by_header["data age"].className == "bad"                      # ... but the data is old
    assert block_text(by_header["newest ticket (America/Sao_Paulo)"]) == "2026-03-02 07:00"


# ---- 7. values in the URL ------------------------------------------------------------------------------

def panel_names(layout) -> list[str]:
    found = []

    def walk(c):
        cid = getattr(c, "id", None)
        if isinstance(cid, dict) and cid.get("type") in ("graph-query", "block-query"):
            found.append(cid["name"])
        for child in (getattr(c, "children", None) or []) if not isinstance(getattr(c, "children", None), str) else []:
            walk(child)
    walk(layout)
    return found


def find_id(component, wanted: str):
    if getattr(component, "id", None) == wanted:
        return component
    children = getattr(component, "children", None)
    for child in children if isinstance(children, (list, tuple)) else [children] if children is not None else []:
        hit = find_id(child, wanted)
        if hit is not None:
            return hit
    return None


def test_unknown_region_in_the_url_is_said_once_and_no_panel_repeats_it(sao_paulo):
    layout = page_layout("/")(region="XX")
    notice = find_id(layout, "url-notice")
    text = block_text(notice)
    assert "region=XX is not in the data" in text and "BR" in text
    assert panel_names(layout) == []            # every panel would have failed the same way
    assert panel_names(page_layout("/")(region="BR")) != []


def test_an_invalid_from_date_is_reported_not_dropped_silently(sao_paulo):
    layout = page_layout("/response")(**{"from": "2026-13-01", "to": "2026-03-10"})
    text = block_text(find_id(layout, "url-notice"))
    assert "from=2026-13-01 is not a date" in text and "default window" in text
    assert "sla-frt" in panel_names(layout)      # the rest of the link still applies
    assert find_id(page_layout("/response")(**{"from": "2026-03-01"}), "url-notice") is None


def test_a_date_outside_the_answered_range_says_so(sao_paulo):
    text = block_text(find_id(page_layout("/")(**{"from": "0001-01-01"}), "url-notice"))
    assert "from=0001-01-01 is outside 1900-01-01 to 2199-12-31" in text and "default window" in text


def test_tickets_page_reports_a_bad_date_too(sao_paulo):
    text = block_text(find_id(page_layout("/tickets")(to="yesterday"), "url-notice"))
    assert "to=yesterday is not a date" in text


# ---- 8. speed: the small multiples as a plain figure carry the same data -----------------------------

def test_small_multiples_show_each_category_on_its_own_axis(sao_paulo):
    from dashboards.callbacks.panels import cached_graph
    search = "?from=2026-02-01&to=2026-02-28"
    fig = cached_graph(sao_paulo, "abuse-multiples", {"search": search}, None)
    ctx = panel_context(sao_paulo, search, None)
    daily = ctx.read("series", "inflow", ctx.filters, "day", ("abuse_category",))
    assert len(fig["data"]) == daily["abuse_category"].nunique()
    axes = {(t["xaxis"], t["yaxis"]) for t in fig["data"]}
    assert len(axes) == len(fig["data"])                                   # one subplot each
    titles = [a["text"] for a in fig["layout"]["annotations"]]
    for trace, title in zip(fig["data"], titles):
        assert trace["name"] == title
        part = daily[daily["abuse_category"] == title].sort_values("period_start")
        assert trace["y"] == [float(v) for v in part["value"]]
        assert trace["customdata"][0] == f"from=2026-02-01&to=2026-02-01&abuse_category={title}"
    assert fig["layout"]["template"]["layout"]                             # themed


def test_resolution_lines_are_marked_maturing_over_the_usual_p90_resolution_time(sao_paulo):
    from dashboards.callbacks.panels import render_graph
    ctx = panel_context(sao_paulo, "", None)
    p90 = ctx.read("series", "ttr_p90", ctx.filters, "day", ("region",))["value"].dropna()
    horizon = pd.Timedelta(hours=float(p90.median()))
    as_of = pd.Timestamp(sao_paulo.data.read("as_of")).tz_convert("America/Sao_Paulo").tz_localize(None)
    expected = (as_of - horizon).floor("D").date()
    fig = render_graph(sao_paulo, "sla-ttr", {"search": ""}, None)
    assert fig.layout.meta["maturing_since"] == expected.isoformat()
    hover = [t for t in fig.data[0].text if t]
    assert hover and "usual p90 resolution time is" in hover[0]
