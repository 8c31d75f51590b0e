"""Light and dark themes: the page's CSS switches on <html data-theme>, charts use a matching template."""
from __future__ import annotations

import plotly.graph_objects as go

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


def apply_theme(fig: go.Figure, theme: str | None) -> go.Figure:
    p = palette(theme)
    fig.update_layout(
        template=p["template"], paper_bgcolor=p["paper"], plot_bgcolor=p["plot"],
        font={"color": p["font"], "size": 12}, margin={"l": 48, "r": 16, "t": 36, "b": 40},
        legend={"orientation": "h", "y": -0.18, "x": 0},
    )
    # automargin: long or rotated labels (vendor names on a narrow screen) get room, not clipped
    fig.update_xaxes(gridcolor=p["grid"], zerolinecolor=p["grid"], automargin=True)
    fig.update_yaxes(gridcolor=p["grid"], zerolinecolor=p["grid"], automargin=True)
    return fig
