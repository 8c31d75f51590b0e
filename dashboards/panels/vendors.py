"""Vendors: the scorecard against targets, and side-by-side comparisons."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from metrics.registry import METRICS
from dashboards.figures import attainment_axis, bars, drill_fragment, plain, target_line, time_lines
from dashboards.formatting import SCALE_WORDS, duration_scale, format_duration, is_duration, is_missing, judge
from dashboards.panels.maturing import mark_maturing_periods
from dashboards.panels.base import Panel, PanelContext, register
from dashboards.panels.grouped_reads import metric_groups, read_series, series_calls
from dashboards.panels.tables import data_table
from dashboards.theme import apply_theme
from metrics.periods import WINDOW
from metrics.scorecards import SCORECARD_METRICS, merge_scorecard

SCORE_COLUMNS = [("vendor", "vendor", ""), ("inflow", "inflow", "tickets"), ("frt_p50", "FRT p50", "minutes"),
                 ("frt_p90", "FRT p90", "minutes"), ("sla_frt_attainment", "SLA", "share"),
                 ("reopen_rate", "reopen", "share"), ("escalation_rate", "escalation", "share"),
                 ("qa_avg", "QA", "score"), ("csat_avg", "CSAT", "score"), ("backlog", "backlog", "tickets")]
# Without a configured target a vendor is compared with all vendors together; within 10% is fine.
# (Counts are not judged, so only these need the all-vendors figure.)
JUDGED_METRICS = tuple(f for f, _, _ in SCORE_COLUMNS if f not in ("vendor", "inflow", "backlog"))
TOLERANCE = 0.10


def load_scorecard(ctx: PanelContext) -> pd.DataFrame:
    """The scorecard, its columns read at once (one query each); kept whole in the cache as well,
    as the vendor charts draw from it too."""
    def merged() -> pd.DataFrame:
        groups = metric_groups(SCORECARD_METRICS)
        results = ctx.read_all(scorecard_calls(ctx))
        columns = {}
        for group, result in zip(groups, results):
            columns.update(zip(group, result) if len(group) > 1 else [(group[0], result)])
        return merge_scorecard(columns)
    return ctx.data.memo(("vendor-scorecard-data", repr(ctx.filters)), merged)


def scorecard_calls(ctx: PanelContext) -> list[tuple[str, tuple]]:
    """One read per column, FRT p50 and p90 together (one pass over the tickets)."""
    return [("scorecard_column", (ctx.filters, g[0])) if len(g) == 1 else ("scorecard_columns", (ctx.filters, g))
            for g in metric_groups(SCORECARD_METRICS)]


def overall_calls(ctx: PanelContext) -> list[tuple[str, tuple]]:
    """The all-vendors figures the cells are judged against: each metric over the window alone.
    (Not the KPI summary, which also computes the window before: judging never looks at it, and
    for FRT p50/p90 it doubled the values sorted.)"""
    return series_calls(ctx, JUDGED_METRICS, grain=WINDOW)


def overall_values(ctx: PanelContext) -> dict:
    """{metric: its all-vendors value over the window} for JUDGED_METRICS (NaN without data)."""
    out = {}
    for metric in JUDGED_METRICS:
        frame = read_series(ctx, JUDGED_METRICS, metric, grain=WINDOW)
        out[metric] = float(frame["value"].iloc[0]) if len(frame) else float("nan")
    return out


def load_judged_scorecard(ctx: PanelContext) -> pd.DataFrame:
    """The scorecard, with the all-vendors figures its cells are judged against read beside it."""
    ctx.read_all(overall_calls(ctx) + scorecard_calls(ctx))
    return load_scorecard(ctx)


def scorecard_empty(df: pd.DataFrame) -> bool:
    return df.empty or float(df["inflow"].sum() + df["backlog"].sum()) == 0


def cell_judgement(field: str, value, targets: dict, overall: dict) -> str | None:
    """'good' / 'bad' / 'warn' / None for one scorecard cell."""
    if field in ("vendor", "inflow", "backlog") or is_missing(value):
        return None
    direction = METRICS[field].direction
    if field in targets:
        verdict = judge(value, targets[field], direction)
        return "good" if verdict in ("good", "neutral") else "bad"
    reference = overall.get(field)
    if is_missing(reference) or float(reference) == 0:
        return None
    if abs(float(value) / float(reference) - 1) <= TOLERANCE:
        return None
    return "good" if judge(value, reference, direction) == "good" else "warn"


def render_scorecard(df: pd.DataFrame, ctx: PanelContext):
    targets = ctx.config.metric_targets
    overall = overall_values(ctx)
    return data_table(df, scaled_columns(df, SCORE_COLUMNS),
                      cell_class=lambda row, field: cell_judgement(field, row.get(field), targets, overall))


def scaled_columns(df: pd.DataFrame, columns: list[tuple[str, str, str]]) -> list[tuple]:
    """A duration column is shown in one unit (chosen by its largest value) named in its header."""
    out = []
    for field, header, unit in columns:
        if is_duration(unit) and field in df.columns:
            scale = duration_scale(df[field], unit)
            out.append((field, f"{header} ({scale[0]})", lambda v, s=scale: format_duration(v, s)))
        else:
            out.append((field, header, unit))
    return out


register(Panel("vendor-scorecard", "Vendor scorecard", load_judged_scorecard, render_scorecard, kind="block",
               is_empty=scorecard_empty,
               note="Green meets the target (or beats all vendors by >10%), red misses the target, "
                    "amber is >10% worse than all vendors together. Backlog at the period's end."))


def render_sla(df: pd.DataFrame, ctx: PanelContext):
    fig = bars(df.sort_values("sla_frt_attainment"), "vendor", "sla_frt_attainment", ctx.theme,
               drill_dim="vendor", y_title="SLA attainment", color="#3e7cb1")
    attainment_axis(fig)
    return target_line(fig, ctx.config.metric_targets.get("sla_frt_attainment"), "target")


register(Panel("vendor-sla", "SLA attainment by vendor", load_scorecard, render_sla, is_empty=scorecard_empty,
               note="Click a bar for the vendor's tickets."))


def _grouped(df: pd.DataFrame, ctx: PanelContext, fields: list[tuple[str, str, str]], y_title: str,
             tickformat: str | None = None):
    fig = go.Figure()
    vendors = df["vendor"].astype(str).tolist()
    for field, label, color in fields:
        fig.add_trace(go.Bar(_validate=False, x=[plain(v) for v in vendors], y=df[field], name=label, marker={"color": color},
                             customdata=[drill_fragment({"vendor": v}) for v in vendors]))
    fig.update_layout(barmode="group", yaxis_title=y_title)
    if tickformat:
        fig.update_yaxes(tickformat=tickformat)
    return apply_theme(fig, ctx.theme)


def render_frt(df: pd.DataFrame, ctx: PanelContext):
    name, divisor = duration_scale(list(df["frt_p50"]) + list(df["frt_p90"]), "minutes")
    scaled = df.assign(frt_p50=df["frt_p50"] / divisor, frt_p90=df["frt_p90"] / divisor)
    return _grouped(scaled, ctx, [("frt_p50", "p50", "#3e7cb1"), ("frt_p90", "p90", "#e8875b")],
                    f"first response ({SCALE_WORDS[name]})")


register(Panel("vendor-frt", "First response by vendor", load_scorecard, render_frt, is_empty=scorecard_empty))
register(Panel("vendor-rates", "Reopen and escalation rates", load_scorecard,
               lambda df, ctx: _grouped(df, ctx, [("reopen_rate", "reopen", "#a05195"),
                                                  ("escalation_rate", "escalation", "#d4b94a")],
                                        "share of tickets", ".0%"), is_empty=scorecard_empty))


def render_quality(df: pd.DataFrame, ctx: PanelContext):
    vendors = df["vendor"].astype(str).tolist()
    fig = make_subplots(rows=1, cols=2, subplot_titles=("QA score (0–100)", "CSAT (1–5)"))
    custom = [drill_fragment({"vendor": v}) for v in vendors]
    fig.add_trace(go.Bar(_validate=False, x=[plain(v) for v in vendors], y=df["qa_avg"], name="QA", marker={"color": "#4daf7c"},
                         customdata=custom), row=1, col=1)
    fig.add_trace(go.Bar(_validate=False, x=[plain(v) for v in vendors], y=df["csat_avg"], name="CSAT",
                         marker={"color": "#5b8e9e"}, customdata=custom), row=1, col=2)
    fig.update_yaxes(range=[0, 100], row=1, col=1)
    fig.update_yaxes(range=[1, 5], row=1, col=2)
    fig.update_layout(showlegend=False)
    return apply_theme(fig, ctx.theme)


register(Panel("vendor-quality", "QA and CSAT by vendor", load_scorecard, render_quality,
               is_empty=scorecard_empty, note="Means over tickets created in the period that have a score."))


def load_sla_weekly(ctx: PanelContext) -> pd.DataFrame:
    return ctx.read("series", "sla_frt_attainment", ctx.filters, "week", ("vendor",))


def render_sla_weekly(df: pd.DataFrame, ctx: PanelContext):
    fig = time_lines(df, "vendor", ctx.theme, grain="week", y_title="SLA attainment", limit=10)
    attainment_axis(fig)
    mark_maturing_periods(fig, ctx, "week")
    return target_line(fig, ctx.config.metric_targets.get("sla_frt_attainment"), "target")


register(Panel("vendor-sla-weekly", "SLA attainment by week", load_sla_weekly, render_sla_weekly, trend=True,
               note="Weekly, one line per vendor; click a point for that vendor-week's tickets."))
