"""The report's numbers, section by section, read through the metrics layer only.

Each function returns plain rows (dicts of display strings plus the raw values the charts need),
sorted so the same warehouse always yields the same rows in the same order.
"""
from __future__ import annotations

import math

import pandas as pd

from dashboards.formatting import format_change, format_duration, format_value, is_missing, judge, unit_scales
from dashboards.report.weeks import ReportWeek
from metrics.query import MetricQuery, run_query
from metrics.registry import METRICS
from metrics.scorecards import SCORECARD_METRICS, kpi_summary, vendor_scorecard, window_value

LABELS = {
    "inflow": "Inflow", "solved": "Solved", "backlog": "Backlog (end of week)",
    "sla_frt_attainment": "First-response SLA attainment", "frt_p50": "First response p50",
    "frt_p90": "First response p90", "ttr_p50": "Resolution time p50", "ttr_p90": "Resolution time p90",
    "escalation_rate": "Escalation rate", "reopen_rate": "Reopen rate", "qa_avg": "QA score (avg)",
    "csat_avg": "CSAT (avg)", "high_profile_inflow": "High-profile tickets",
}
# The headline metrics, in reading order; breach_risk is a snapshot at as_of, not a weekly number.
HEADLINE = tuple(LABELS)
BY_DIMENSION_METRICS = ("inflow", "sla_frt_attainment", "frt_p50", "frt_p90", "ttr_p50")


def label(metric: str) -> str:
    return LABELS.get(metric, metric.replace("_", " "))


def _unit(metric: str) -> str:
    return METRICS[metric].unit


def _cell(metric: str, value, previous, scales: dict | None = None) -> dict:
    """A value as shown, its change against last week and whether that change is good. A duration
    is written in its table's shared unit (`scales`, from `duration_scales`)."""
    return {
        "value": None if is_missing(value) else float(value),
        "text": _text(metric, value, scales),
        "previous_text": _text(metric, previous, scales),
        "change_text": format_change(value, previous, _unit(metric)),
        "trend": judge(value, previous, METRICS[metric].direction),
    }


def _text(metric: str, value, scales: dict | None) -> str:
    if scales and metric in scales:
        return format_duration(value, scales[metric])
    return format_value(value, _unit(metric))


def duration_scales(values_by_metric: dict[str, list]) -> dict[str, tuple[str, float]]:
    """One display unit per measure in a table, by the rule the KPI tiles use (unit_scales): the p50
    and p90 of first response (and every row of their columns) share minutes or hours, picked by the
    largest value shown, so '117 min' never sits beside '6.9 h'."""
    values_by_unit: dict[str, list] = {}
    for metric, values in values_by_metric.items():
        values_by_unit.setdefault(_unit(metric), []).extend(values)
    scales = unit_scales(values_by_unit)
    return {m: scales[_unit(m)] for m in values_by_metric if _unit(m) in scales}


def headline_kpis(con, config, week: ReportWeek, filters) -> list[dict]:
    frame = kpi_summary(con, config, week.monday, week.sunday, filters).set_index("metric")
    shown = [m for m in HEADLINE if m in frame.index]
    scales = duration_scales({m: [frame.loc[m, "value"], frame.loc[m, "previous_value"], frame.loc[m, "target"]]
                              for m in shown})
    rows = []
    for metric in shown:
        r = frame.loc[metric]
        target = r["target"]
        row = {"metric": metric, "label": label(metric), "n": int(r["n"]),
               **_cell(metric, r["value"], r["previous_value"], scales),
               "target_text": "" if is_missing(target) else _text(metric, target, scales),
               "target_status": _target_status(metric, r["value"], target)}
        rows.append(row)
    return rows


def _target_status(metric: str, value, target) -> str:
    if is_missing(value) or is_missing(target):
        return ""
    return "met" if judge(value, target, METRICS[metric].direction) in ("good", "neutral") else "missed"


def kpi_target(config, metric: str) -> float | None:
    target = config.metric_targets.get(metric)
    return None if target is None else float(target)


def by_dimension(con, config, week: ReportWeek, filters, dim: str) -> dict:
    """SLA attainment and response times per value of `dim`, this week against last week."""
    merged = None
    for metric in BY_DIMENSION_METRICS:
        now = window_value(con, config, metric, week.monday, week.sunday, filters, by=(dim,))
        before = window_value(con, config, metric, week.previous.monday, week.previous.sunday, filters, by=(dim,))
        part = now[[dim, "value"]].rename(columns={"value": metric}).merge(
            before[[dim, "value"]].rename(columns={"value": f"{metric}_previous"}), on=dim, how="outer")
        merged = part if merged is None else merged.merge(part, on=dim, how="outer")
    merged[dim] = merged[dim].astype(str)
    merged = merged[merged["inflow"].fillna(0) > 0].sort_values(dim, kind="stable").reset_index(drop=True)
    scales = duration_scales({m: [*merged[m], *merged[f"{m}_previous"]] for m in BY_DIMENSION_METRICS})
    rows = []
    for rec in merged.to_dict("records"):
        rows.append({"name": rec[dim],
                     **{m: _cell(m, rec[m], rec[f"{m}_previous"], scales) for m in BY_DIMENSION_METRICS}})
    return {"dim": dim, "rows": rows, "frame": merged}


def daily(con, config, week: ReportWeek, filters, metrics: tuple[str, ...]) -> pd.DataFrame:
    """One row per day of the week with a column per metric."""
    out = None
    for metric in metrics:
        q = MetricQuery(metric, grain="day", filters=tuple(filters), date_from=week.monday, date_to=week.sunday)
        part = run_query(con, q, config)[["period_start", "value"]].rename(columns={"value": metric})
        out = part if out is None else out.merge(part, on="period_start", how="outer")
    return out.sort_values("period_start").reset_index(drop=True)


def weekly_trend(con, config, week: ReportWeek, filters, metric: str, by: tuple[str, ...] = ()) -> pd.DataFrame:
    q = MetricQuery(metric, grain="week", by=by, filters=tuple(filters), date_from=week.trend_from,
                    date_to=week.sunday)
    return run_query(con, q, config)


def backlog_by(con, config, week: ReportWeek, filters, dim: str) -> list[dict]:
    now = window_value(con, config, "backlog", week.monday, week.sunday, filters, by=(dim,))
    before = window_value(con, config, "backlog", week.previous.monday, week.previous.sunday, filters, by=(dim,))
    merged = now[[dim, "value"]].merge(before[[dim, "value"]].rename(columns={"value": "previous"}),
                                       on=dim, how="outer").fillna(0)
    merged[dim] = merged[dim].astype(str)
    merged = merged[(merged["value"] > 0) | (merged["previous"] > 0)]
    merged = merged.sort_values(["value", dim], ascending=[False, True], kind="stable")
    return [{"name": r[dim], **_cell("backlog", r["value"], r["previous"])} for r in merged.to_dict("records")]


def category_movers(con, config, week: ReportWeek, filters) -> list[dict]:
    """Inflow per abuse category this week vs last, biggest absolute change first."""
    now = window_value(con, config, "inflow", week.monday, week.sunday, filters, by=("abuse_category",))
    before = window_value(con, config, "inflow", week.previous.monday, week.previous.sunday, filters,
                          by=("abuse_category",))
    merged = now[["abuse_category", "value"]].merge(
        before[["abuse_category", "value"]].rename(columns={"value": "previous"}), on="abuse_category",
        how="outer").fillna(0)
    merged["abuse_category"] = merged["abuse_category"].astype(str)
    merged = merged[(merged["value"] > 0) | (merged["previous"] > 0)].copy()
    total = float(merged["value"].sum())
    merged["change"] = merged["value"] - merged["previous"]
    merged["abs_change"] = merged["change"].abs()
    merged = merged.sort_values(["abs_change", "abuse_category"], ascending=[False, True], kind="stable")
    rows = []
    for r in merged.to_dict("records"):
        rows.append({
            "name": r["abuse_category"], "value": r["value"], "previous": r["previous"], "change": r["change"],
            "text": format_value(r["value"], "tickets"), "previous_text": format_value(r["previous"], "tickets"),
            "change_abs_text": f"{r['change']:+,.0f}",
            "change_text": format_change(r["value"], r["previous"], "tickets") if r["previous"] else "new",
            "share_text": format_value(r["value"] / total if total else math.nan, "share"),
        })
    return rows


def vendor_rows(con, config, week: ReportWeek, filters) -> list[dict]:
    now = vendor_scorecard(con, config, week.monday, week.sunday, filters)
    before = vendor_scorecard(con, config, week.previous.monday, week.previous.sunday, filters)
    before = before.set_index("vendor")
    shown = [rec for rec in now.sort_values("vendor", kind="stable").to_dict("records")
             if rec["inflow"] or rec["backlog"]]
    scales = duration_scales({m: [*(r[m] for r in shown), *before.get(m, [])] for m in SCORECARD_METRICS})
    rows = []
    for rec in shown:
        prev = before.loc[rec["vendor"]] if rec["vendor"] in before.index else {}
        rows.append({"name": str(rec["vendor"]),
                     **{m: _cell(m, rec[m], prev.get(m) if len(prev) else None, scales) for m in SCORECARD_METRICS}})
    return rows
