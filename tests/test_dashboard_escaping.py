"""Data strings reach the page as text: hostile vendor/region names never become markup."""
from __future__ import annotations

import json

import pytest
from plotly.utils import PlotlyJSONEncoder

from dashboards.app import create_app
from dashboards.callbacks.panels import render_block, render_graph
from dashboards.state import current_state
from tests.dashboard_fixtures import config_for, write_warehouse
from tests.ticket_factory import ticket

HOSTILE = '<img src=x onerror="alert(1)">'
FORMULA = "=HYPERLINK(\"http://x\")"


@pytest.fixture
def state(tmp_path):
    cfg = config_for(tmp_path)
    rows = [ticket("2026-03-02 10:00", vendor=HOSTILE, region=FORMULA, first_response_at="2026-03-02 10:20"),
            ticket("2026-03-03 11:00", vendor="acme", region="BR", abuse_category="harassment")]
    write_warehouse(cfg.db_path, rows)
    app = create_app(cfg)
    with app.server.app_context():
        yield current_state()


def texts(component) -> list[str]:
    """Every string child in a component tree (what React renders as text nodes)."""
    out: list[str] = []

    def visit(node):
        if isinstance(node, str):
            out.append(node)
        elif isinstance(node, (list, tuple)):
            for n in node:
                visit(n)
        elif hasattr(node, "children"):
            visit(node.children)
    visit(component)
    return out


def test_scorecard_cell_is_the_raw_text(state):
    block = render_block(state, "vendor-scorecard", {"search": "?from=2026-03-01&to=2026-03-07"}, "light")
    assert HOSTILE in texts(block)          # a text node, which React escapes; never dangerously set


def test_chart_labels_are_escaped_for_plotly(state):
    fig = render_graph(state, "vendor-sla", {"search": "?from=2026-03-01&to=2026-03-07"}, "light")
    labels = list(fig.data[0].x)
    assert "&lt;img src=x onerror=\"alert(1)\"&gt;" in labels
    shown = fig.to_plotly_json()
    for trace in shown["data"]:
        trace.pop("customdata", None)          # the drill slice keeps the raw value; it is never drawn
    assert "<img" not in json.dumps(shown, cls=PlotlyJSONEncoder)
    heat = render_graph(state, "abuse-heatmap", {"search": "?from=2026-03-01&to=2026-03-07"}, "light")
    assert all("<" not in str(v) for v in heat.data[0].x)


def test_drill_slice_keeps_the_raw_value(state):
    fig = render_graph(state, "vendor-sla", {"search": "?from=2026-03-01&to=2026-03-07"}, "light")
    from dashboards.callbacks.panels import drill_href
    from dashboards.filters import Filters
    i = list(fig.data[0].x).index("&lt;img src=x onerror=\"alert(1)\"&gt;")
    href = drill_href("", {"points": [{"customdata": fig.data[0].customdata[i]}]})
    assert Filters.from_search(href.split("?", 1)[1]).vendor == (HOSTILE,)


def test_csv_neutralises_formula_values(state):
    from dashboards.callbacks.panels import panel_csv
    content = panel_csv(state, "abuse-heatmap", "?from=2026-03-01&to=2026-03-07")["content"]
    assert "'=HYPERLINK" in content and "\n=HYPERLINK" not in content and ",=HYPERLINK" not in content


def test_data_health_shows_rejected_values_as_text(tmp_path):
    from safetyops.cli import main
    from tests.conftest import REPO
    cfg = config_for(tmp_path)
    src = (REPO / "sample_data" / "small" / "tickets_canonical.csv").read_text(encoding="utf-8").splitlines()
    header, row = src[0], src[1]
    cols = header.split(",")
    bad = row.split(",")
    bad[cols.index("priority")] = "=cmd()"
    (tmp_path / "bad.csv").write_text("\n".join([header, ",".join(bad), src[2]]) + "\n", encoding="utf-8")
    main(["--config", str(cfg.path), "--quiet", "ingest", str(tmp_path / "bad.csv")])   # one row rejected
    app = create_app(cfg)
    with app.server.app_context():
        st = current_state()
        block = render_block(st, "health-rejected-rows", {"search": ""}, "light")
        assert "=cmd()" in texts(block)
        runs = render_block(st, "health-runs", {"search": ""}, "light")
        assert "bad.csv" in texts(runs)
        from dashboards.callbacks.panels import panel_csv
        assert "'=cmd()" in panel_csv(st, "health-rejected-rows", "")["content"]
