"""Charts get their theme's plotly template without plotly.py re-validating it on every figure
(dashboards/theme.py): the figure a browser receives must be the same as with the validated way."""
from __future__ import annotations

import plotly.graph_objects as go
import pytest

from dashboards.theme import apply_theme, palette


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_the_template_sent_is_the_one_plotly_would_validate(theme):
    ours = apply_theme(go.Figure(go.Scatter(x=[1, 2], y=[3, 4])), theme).to_plotly_json()
    validated = go.Figure(go.Scatter(x=[1, 2], y=[3, 4]))
    validated.update_layout(template=palette(theme)["template"])
    assert ours["layout"]["template"] == validated.to_plotly_json()["layout"]["template"]
    assert ours["layout"]["paper_bgcolor"] == palette(theme)["paper"]


def test_figures_do_not_share_their_template():
    first, second = apply_theme(go.Figure(), "light"), apply_theme(go.Figure(), "light")
    first.layout.template.layout.paper_bgcolor = "red"
    assert second.layout.template.layout.paper_bgcolor != "red"


def test_a_second_call_with_another_theme_rethemes():
    fig = apply_theme(go.Figure(), "light")
    apply_theme(fig, "dark")
    assert fig.to_plotly_json()["layout"]["paper_bgcolor"] == palette("dark")["paper"]
