"""Figure builders shared by the panels: themed, drillable, honest about empty data.

Every clickable point carries `customdata` = a query-string fragment naming the slice it stands
for (e.g. `region=BR&from=2026-03-02&to=2026-03-02`); the drill callback merges it into the
current filters and opens the ticket table.
"""
from __future__ import annotations

import datetime as dt
import html
from typing import Iterable
from urllib.parse import urlencode

import pandas as pd
import plotly.graph_objects as go

from dashboards.colors import category_color
from dashboards.filters import OPEN_AGE_KEY, OPEN_ON_KEY
from dashboards.theme import apply_theme, palette

NO_MATCH = "No tickets match these filters"
SERIES_PALETTE = ("#3e7cb1", "#e8875b", "#4daf7c", "#a05195", "#d4b94a", "#5b8e9e", "#c45a5a", "#8a7f70")


def plain(value) -> str:
    """Data text for plotly labels: plotly reads <tags> in labels, so escape them to show as text."""
    return html.escape(str(value), quote=False)


def message_figure(text: str, theme: str | None) -> go.Figure:
    """A chart-shaped message instead of a broken or empty chart."""
    fig = go.Figure()
    fig.add_annotation(text=text, showarrow=False, xref="paper", yref="paper", x=0.5, y=0.5,
                       font={"size": 15, "color": palette(theme)["muted"]})
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    apply_theme(fig, theme)
    fig.update_layout(meta={"empty": True})
    return fig


def period_bounds(start, grain: str) -> tuple[dt.date, dt.date]:
    """Inclusive date range a period stands for (hour and day periods map to their day)."""
    d = pd.Timestamp(start).date()
    if grain == "week":
        return d, d + dt.timedelta(days=6)
    if grain == "month":
        nxt = (pd.Timestamp(d) + pd.offsets.MonthBegin(1)).date()
        return d, nxt - dt.timedelta(days=1)
    return d, d


def drill_fragment(dims: dict[str, str] | None = None, period=None, grain: str = "day") -> str:
    pairs: list[tuple[str, str]] = []
    if period is not None:
        first, last = period_bounds(period, grain)
        pairs += [("from", first.isoformat()), ("to", last.isoformat())]
    for key, value in (dims or {}).items():
        if value is not None:
            pairs.append((key, "true" if value is True else "false" if value is False else str(value)))
    return urlencode(pairs)


def open_on_fragment(period, age_band: str | None = None) -> str:
    """A backlog point's slice: the tickets open at the end of that day (the ticket page's open_on),
    in one age band when given."""
    pairs = [(OPEN_ON_KEY, pd.Timestamp(period).date().isoformat())]
    return urlencode(pairs + ([(OPEN_AGE_KEY, age_band)] if age_band else []))


def trace_color(dim: str | None, value: str) -> str | None:
    return category_color(str(value)) if dim == "abuse_category" else None


def top_values(df: pd.DataFrame, dim: str, limit: int, weight: str = "n") -> list[str]:
    """The `limit` biggest groups by total weight, so a 200-vendor chart stays readable."""
    col = weight if weight in df.columns else "value"
    totals = df.groupby(dim, observed=True)[col].sum().sort_values(ascending=False)
    return [str(v) for v in totals.index[:limit]]


def time_lines(df: pd.DataFrame, dim: str | None, theme: str | None, *, grain: str = "day",
               y_title: str = "", value_col: str = "value", limit: int = 8, stacked: bool = False,
               dash: str | None = None, name_suffix: str = "", fig: go.Figure | None = None,
               drill: bool = True, keep: list[str] | None = None) -> go.Figure:
    """One line (or stacked area) per dimension value over period_start.

    Values keep their colour across calls with the same `keep` order (p50 and p90 of a vendor
    match); abuse categories always use their fixed colour.
    """
    fig = fig or go.Figure()
    groups: Iterable[tuple[str | None, pd.DataFrame]]
    if dim:
        keep = keep or top_values(df, dim, limit)
        groups = ((v, df[df[dim].astype(str) == v]) for v in keep)
    else:
        groups = [(None, df)]
    for i, (value, part) in enumerate(groups):
        part = part.sort_values("period_start")
        dims = {dim: value} if dim else {}
        custom = [drill_fragment(dims, p, grain) for p in part["period_start"]] if drill else None
        color = (trace_color(dim, value) or SERIES_PALETTE[i % len(SERIES_PALETTE)]) if value is not None \
            else None
        fig.add_trace(go.Scatter(
            _validate=False,    # our own known-good properties: validating 11 traces cost ~30 ms a chart
            x=part["period_start"], y=part[value_col], mode="lines+markers" if len(part) < 40 else "lines",
            name=(plain(value) if value is not None else (y_title or value_col)) + name_suffix,
            customdata=custom, stackgroup="one" if stacked else None,
            line={"color": color, "dash": dash} if (color or dash) else None,
            hovertemplate="%{x|%Y-%m-%d}: %{y}<extra>%{fullData.name}</extra>",
        ))
    fig.update_layout(yaxis_title=y_title, hovermode="closest")
    apply_theme(fig, theme)
    return fig


def bars(df: pd.DataFrame, x: str, y: str, theme: str | None, *, drill_dim: str | None = None,
         y_title: str = "", color: str | None = None, orientation: str = "v",
         extra_dims: dict[str, str] | None = None, name: str | None = None,
         fig: go.Figure | None = None) -> go.Figure:
    fig = fig or go.Figure()
    raw = df[x].astype(str).tolist()
    labels = [plain(v) for v in raw]
    custom = [drill_fragment({**(extra_dims or {}), drill_dim: v} if drill_dim else extra_dims) for v in raw]
    colors = [category_color(v) for v in raw] if drill_dim == "abuse_category" and color is None else color
    kwargs = {"x": labels, "y": df[y]} if orientation == "v" else {"y": labels, "x": df[y]}
    fig.add_trace(go.Bar(_validate=False, orientation=orientation, customdata=custom, marker={"color": colors},
                         name=name or y_title or y, **kwargs))
    if orientation == "v":
        fig.update_layout(yaxis_title=y_title)
    else:
        fig.update_layout(xaxis_title=y_title, yaxis={"autorange": "reversed"})
    apply_theme(fig, theme)
    return fig


def target_line(fig: go.Figure, target, label: str, horizontal: bool = True) -> go.Figure:
    if target is None or pd.isna(target):
        return fig
    if horizontal:
        fig.add_hline(y=float(target), line_dash="dot", line_color="#d62728",
                      annotation_text=label, annotation_position="top left")
    else:
        fig.add_vline(x=float(target), line_dash="dot", line_color="#d62728",
                      annotation_text=label, annotation_position="top right")
    return fig


def annotation_markers(fig: go.Figure, annotations: pd.DataFrame | None) -> go.Figure:
    """Incidents, policy launches and vendor changes as dotted vertical markers on a trend chart."""
    if annotations is None or annotations.empty:
        return fig
    for row in annotations.itertuples(index=False):
        at = pd.Timestamp(row.at)
        if at.tzinfo is not None:
            at = at.tz_localize(None)
        fig.add_vline(x=at.to_pydatetime(), line_dash="dot", line_width=1, line_color="#7b8794")
        fig.add_annotation(x=at.to_pydatetime(), y=1, yref="paper", text=plain(str(row.label)[:40]),
                           showarrow=False, textangle=-90, xanchor="right", yanchor="top",
                           font={"size": 10, "color": "#7b8794"})
    return fig


def warm_figure_code() -> None:
    """Build and serialise one small figure of each trace type the pages draw. plotly.py creates
    its validators on first use (~100 ms a type): done at start-up, no user's first chart pays it."""
    fig = go.Figure([go.Scatter(x=[0], y=[0]), go.Bar(x=["a"], y=[1]), go.Heatmap(z=[[1]])])
    apply_theme(fig, "light").add_hline(y=0).add_vrect(x0=0, x1=1).add_annotation(text="x")
    fig.update_layout(barmode="stack")
    fig.to_plotly_json()
    plain_theme_layout("light")
    plain_theme_layout("dark")


def band_trace(x: pd.Series, lower: pd.Series, upper: pd.Series, **style) -> go.Scatter:
    """A shaded band between lower and upper, one closed shape per run of points where both are
    known. Filling one trace to the next ('tonexty') across a gap draws diagonal slabs from the
    last point before the gap to the first after it; separate shapes leave the gap empty."""
    xs: list = []
    ys: list = []
    known = (lower.notna() & upper.notna()).to_numpy()
    x, lower, upper = list(x), list(lower), list(upper)
    start = None
    for i, ok in enumerate(list(known) + [False]):
        if ok and start is None:
            start = i
        elif not ok and start is not None:
            run = range(start, i)
            xs += [x[j] for j in run] + [x[j] for j in reversed(run)] + [x[start], None]
            ys += [upper[j] for j in run] + [lower[j] for j in reversed(run)] + [upper[start], None]
            start = None
    return go.Scatter(x=xs, y=ys, mode="lines", fill="toself", line={"width": 0}, hoverinfo="skip", **style)


def mark_maturing(fig: go.Figure, since: pd.Timestamp, until: pd.Timestamp, why: str) -> go.Figure:
    """Shade [since, until) as still maturing, and add `why` to the hover of every line point in it."""
    fig.add_vrect(x0=since, x1=until, fillcolor="#7b8794", opacity=0.12, line_width=0, layer="below",
                  annotation_text="maturing", annotation_position="top left",
                  annotation_font={"size": 10, "color": "#7b8794"})
    for trace in fig.data:
        if trace.type != "scatter" or trace.x is None or trace.fill == "toself":
            continue
        xs = pd.to_datetime(pd.Series(list(trace.x)), errors="coerce")
        trace.text = ["" if pd.isna(x) or x < since else f"<br>{plain(why)}" for x in xs]
        trace.hovertemplate = "%{x|%Y-%m-%d}: %{y}%{text}<extra>%{fullData.name}</extra>"
    fig.update_layout(meta={**(fig.layout.meta or {}), "maturing_since": since.date().isoformat()})
    return fig


def attainment_axis(fig: go.Figure) -> go.Figure:
    """An SLA attainment axis is 0–100%: a flat 100% line (every ticket met, as with date-only
    timestamps) would otherwise autorange to 0–200%, and a 94–96% wiggle would look like a collapse."""
    return fig.update_yaxes(tickformat=".0%", range=[0, 1.02], autorange=False)


class PlainFigure(dict):
    """A figure as the plain dict plotly.js reads, for charts with many traces or subplots, where
    plotly.py's validation of every property costs more than the query behind the chart (the
    small multiples: ~80 ms of validation for ~20 ms of data at 10M tickets)."""

    def to_plotly_json(self) -> dict:
        return dict(self)


_TEMPLATES: dict[str, dict] = {}


def plain_theme_layout(theme: str | None) -> dict:
    """apply_theme's layout for a PlainFigure (the template resolved once per process)."""
    p = palette(theme)
    if p["template"] not in _TEMPLATES:
        import plotly.io as pio
        _TEMPLATES[p["template"]] = pio.templates[p["template"]].to_plotly_json()
    return {"template": _TEMPLATES[p["template"]], "paper_bgcolor": p["paper"], "plot_bgcolor": p["plot"],
            "font": {"color": p["font"], "size": 12}, "margin": {"l": 48, "r": 16, "t": 36, "b": 40},
            "legend": {"orientation": "h", "y": -0.18, "x": 0}}


def small_multiples(panels: list[dict], theme: str | None, cols: int = 3) -> PlainFigure:
    """One line per panel, each on its own y scale, x shared: panels are dicts with title, x, y,
    color, customdata. The grid's domains are laid out here (what make_subplots would compute)."""
    p = palette(theme)
    rows = max(1, -(-len(panels) // cols))
    h_gap = 0.2 / cols
    v_gap = (0.12 if rows < 4 else 0.06) if rows > 1 else 0.0
    width = (1 - h_gap * (cols - 1)) / cols
    height = (1 - v_gap * (rows - 1)) / rows
    layout = plain_theme_layout(theme)
    data, notes = [], []
    for i, panel in enumerate(panels):
        r, c = divmod(i, cols)
        n = "" if i == 0 else str(i + 1)
        x0 = c * (width + h_gap)
        y1 = 1 - r * (height + v_gap)
        layout[f"xaxis{n}"] = {"domain": [x0, x0 + width], "anchor": f"y{n}", "gridcolor": p["grid"],
                               "zerolinecolor": p["grid"], "automargin": True,
                               **({"matches": "x"} if i else {}),
                               # shared x: tick labels on the bottom row of each column only
                               "showticklabels": i + cols >= len(panels)}
        layout[f"yaxis{n}"] = {"domain": [y1 - height, y1], "anchor": f"x{n}", "gridcolor": p["grid"],
                               "zerolinecolor": p["grid"], "automargin": True, "rangemode": "tozero"}
        data.append({"type": "scatter", "mode": "lines", "x": panel["x"], "y": panel["y"], "name": panel["title"],
                     "showlegend": False, "xaxis": f"x{n}", "yaxis": f"y{n}", "line": {"color": panel["color"]},
                     "customdata": panel["customdata"],
                     "hovertemplate": "%{x|%Y-%m-%d}: %{y}<extra>" + panel["title"] + "</extra>"})
        notes.append({"text": panel["title"], "showarrow": False, "xref": "paper", "yref": "paper",
                      "x": x0 + width / 2, "y": y1, "xanchor": "center", "yanchor": "bottom",
                      "font": {"size": 13}})
    layout["annotations"] = notes
    return PlainFigure(data=data, layout=layout)
