"""Light and dark themes: the page's CSS switches on <html data-theme>, charts use a matching template."""
from __future__ import annotations

import json
from functools import lru_cache

import plotly.graph_objects as go
import plotly.io as pio

THEMES = ("light", "dark")
_PALETTE = {
    "light": {"template": "plotly_white", "paper": "#ffffff", "plot": "#ffffff", "font": "#1f2933",
              "grid": "#e4e7eb", "muted": "#7b8794"},
    "dark": {"template": "plotly_dark", "paper": "#1b2230", "plot": "#1b2230", "font": "#e4e7eb",
             "grid": "#323f4b", "muted": "#9aa5b1"},
}


def normalise_theme(theme: str | None) -> str:
    return theme if theme in THEMES else "light"


def palette(theme: str | None) -> dict:
    return _PALETTE[normalise_theme(theme)]


@lru_cache(maxsize=None)
def _template_json(name: str) -> str:
    return json.dumps(pio.templates[name].to_plotly_json())


def _set_template(fig: go.Figure, name: str) -> None:
    """The named template on the figure's layout without plotly.py re-validating it: assigning a
    template validates and copies its hundreds of properties, ~15 ms a figure, most of a small
    chart's cost. The template is plotly's own, valid by construction; each figure gets its own
    copy (json.loads), so no figure can change another's. Falls back to the validated assignment
    if plotly.py ever stores the layout differently (tests/test_dashboard_theme.py checks both)."""
    props = getattr(fig.layout, "_props", None)
    if isinstance(props, dict):
        props["template"] = json.loads(_template_json(name))
    else:
        fig.update_layout(template=name)


def apply_theme(fig: go.Figure, theme: str | None) -> go.Figure:
    """Theme the figure once: builders that add traces to a figure already themed (a p90 line onto
    the p50 chart) call this again, and each call re-ran every layout update."""
    if getattr(fig, "_safetyops_theme", None) == normalise_theme(theme):
        return fig
    p = palette(theme)
    _set_template(fig, p["template"])
    fig.update_layout(
        paper_bgcolor=p["paper"], plot_bgcolor=p["plot"],
        font={"color": p["font"], "size": 12}, margin={"l": 48, "r": 16, "t": 36, "b": 40},
        legend={"orientation": "h", "y": -0.18, "x": 0},
    )
    # automargin: long or rotated labels (vendor names on a narrow screen) get room, not clipped
    fig.update_xaxes(gridcolor=p["grid"], zerolinecolor=p["grid"], automargin=True)
    fig.update_yaxes(gridcolor=p["grid"], zerolinecolor=p["grid"], automargin=True)
    fig._safetyops_theme = normalise_theme(theme)    # (plotly.py lets underscore attributes through)
    return fig
