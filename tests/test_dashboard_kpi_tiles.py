"""Overview KPI tiles ask the metrics layer for their seven metrics only, and show the same numbers
the full summary (the CLI's `metrics summary`) gives for them."""
from __future__ import annotations

import pandas as pd
import pytest

from dashboards.app import create_app
from dashboards.callbacks.panels import load_panel, render_block, render_graph
from dashboards.panels.overview import KPI_METRICS as TILE_METRICS
from dashboards.state import current_state
from metrics.scorecards import kpi_summary
from core.warehouse import connect_read
from tests.dashboard_fixtures import config_for, sample_rows, write_warehouse

SEARCHES = ("?from=2026-02-08&to=2026-02-14", "?from=2026-03-01&to=2026-03-10&region=BR",
            "?from=2026-02-15&to=2026-02-21&high_profile=true")


@pytest.fixture(scope="module")
def state(tmp_path_factory):
    cfg = config_for(tmp_path_factory.mktemp("tiles"))
    write_warehouse(cfg.db_path, sample_rows())
    app = create_app(cfg)
    with app.server.app_context():
        yield current_state()


def over_window(state, ctx, summary):
    """summary(con, config, date_from, date_to, filters) for the panel's window, on a connection
    of its own: what the metrics layer says without the dashboard in between."""
    con = connect_read(state.config.db_path)
    try:
        return summary(con, state.config, ctx.filters.date_from, ctx.filters.date_to, ctx.filters.metric_filters())
    finally:
        con.close()


@pytest.mark.parametrize("search", SEARCHES)
def test_tiles_are_the_seven_metrics_with_the_full_summarys_numbers(state, search):
    _panel, ctx, tiles = load_panel(state, "overview-kpis", search)
    assert tiles["metric"].tolist() == list(TILE_METRICS)
    full = over_window(state, ctx, kpi_summary).set_index("metric")
    assert full.loc["inflow", "value"] > 0                      # the window holds tickets
    pd.testing.assert_frame_equal(tiles.set_index("metric"), full.loc[list(TILE_METRICS)])


def test_one_tile_per_metric_in_order(state):
    block = render_block(state, "overview-kpis", {"search": SEARCHES[0]}, "light")
    assert [t.to_plotly_json()["props"]["data-metric"] for t in block.children] == list(TILE_METRICS)


def test_sla_trend_still_draws_the_configured_target(state):
    fig = render_graph(state, "overview-sla", {"search": SEARCHES[0]}, "light")
    lines = [s for s in fig.layout.shapes if s.type == "line"]
    assert [s.y0 for s in lines] == [0.6]                       # [metrics.targets] in config_for


@pytest.mark.parametrize("search", SEARCHES)
def test_vendor_scorecard_colours_match_the_full_summary(state, search):
    """The scorecard judges vendors against all vendors together: it now asks kpi_summary for the
    judged metrics only, and must colour every cell as it did with the full summary."""
    from dashboards.panels.tables import data_table
    from dashboards.panels.vendors import SCORE_COLUMNS, cell_judgement, scaled_columns
    panel, ctx, card = load_panel(state, "vendor-scorecard", search)
    full = over_window(state, ctx, kpi_summary)
    overall, targets = dict(zip(full["metric"], full["value"])), state.config.metric_targets
    expected = data_table(card, scaled_columns(card, SCORE_COLUMNS),
                          cell_class=lambda row, field: cell_judgement(field, row.get(field), targets, overall))
    shown = as_json(render_block(state, "vendor-scorecard", {"search": search}, "light"))
    assert shown == as_json(expected)
    assert "good" in shown or "bad" in shown or "warn" in shown      # some cell is judged


def as_json(component) -> str:
    import json

    from plotly.utils import PlotlyJSONEncoder
    return json.dumps(component, cls=PlotlyJSONEncoder, sort_keys=True)


@pytest.mark.parametrize("search", SEARCHES)
def test_vendor_scorecard_read_column_by_column_is_the_metrics_layers_scorecard(state, search):
    """The panel reads the scorecard's columns at once, one query each, and merges them: the
    result must be vendor_scorecard's, row for row."""
    from metrics.scorecards import vendor_scorecard
    _panel, ctx, card = load_panel(state, "vendor-scorecard", search)
    expected = over_window(state, ctx, vendor_scorecard)
    assert len(card) >= 2
    pd.testing.assert_frame_equal(card, expected)


RUN: list[str] = []    # the labels count_rows ran for


def count_rows(con, _config, label):
    RUN.append(label)
    return con.execute("SELECT count(*) FROM tickets").fetchall()[0][0], label


def test_read_all_gives_each_calls_result_in_order_and_the_panel_reads_them_again_for_free(state):
    """read_all runs every call (on cursors of its own) and returns them in the calls' order;
    within one panel context a later read or read_all of the same call is not run again."""
    from dashboards.callbacks.panels import panel_context
    from dashboards.reads import Read, no_rows
    ctx = panel_context(state, SEARCHES[0], "light")
    ctx.data.reads["count_rows"] = Read(count_rows, no_rows)
    RUN.clear()
    labels = tuple(f"q{i}" for i in range(7))
    n_tickets = len(sample_rows())
    assert ctx.read_all([("count_rows", (label,)) for label in labels]) == [(n_tickets, label) for label in labels]
    assert sorted(RUN) == sorted(labels)
    assert ctx.read("count_rows", "q3") == (n_tickets, "q3")
    assert ctx.read_all([("count_rows", ("q1",)), ("count_rows", ("q9",))]) == [(n_tickets, "q1"), (n_tickets, "q9")]
    assert sorted(RUN) == sorted((*labels, "q9"))
