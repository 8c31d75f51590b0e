"""`build_weekly_report`: one self-contained, offline, printable HTML file for an ISO week.

Self-contained: plotly.js is inlined once, CSS is inline, there are no images, fonts or links to
any other host. Deterministic: everything is sorted and every chart has a fixed id, so the same
warehouse and week give the same bytes except the "generated at" line.
"""
from __future__ import annotations

import datetime as dt
import os
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from dashboards.report import charts, sections
from dashboards.report.anomalies import week_anomalies
from dashboards.report.data_quality import data_quality
from dashboards.report.weeks import ReportWeek, default_week, parse_week, week_of  # noqa: F401 (API)
from metrics.facts import as_of
from metrics.query import data_days, normalize_filters, parse_filters  # noqa: F401 (parse_filters: API for the CLI)
from metrics.registry import METRICS
from core.errors import InputError

AGE_METRICS = tuple(m for m, _label, _color in charts.AGE_BUCKETS)
GENERATED_PREFIX = "Generated at "


class EmptyWarehouse(InputError):
    """There are no tickets to report on."""


@lru_cache(maxsize=1)
def environment() -> Environment:
    return Environment(
        loader=PackageLoader("dashboards", "templates/report"),
        autoescape=select_autoescape(enabled_extensions=("html", "j2", "html.j2"), default=True),
        undefined=StrictUndefined, keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True,
    )


@lru_cache(maxsize=1)
def plotly_js() -> Markup:
    from plotly.offline import get_plotlyjs
    return Markup(get_plotlyjs())


def build_weekly_report(con, config, week: str | None = None, filters=(),
                        generated_at: dt.datetime | None = None) -> str:
    """The report's HTML. `week` like 2026-W47 (default: the last complete week before as_of);
    `filters` as in the metrics layer: ((dim, (value, ...)), ...), e.g. (("vendor", ("acme",)),)."""
    moment = as_of(con)
    if moment is None:
        raise EmptyWarehouse(f"{config.db_path}: the warehouse has no tickets yet; nothing to report")
    report_week = parse_week(week or default_week(con, config))
    check_week_has_data(con, config, report_week)
    filters = normalize_filters(con, filters)
    context = report_context(con, config, report_week, filters, moment)
    context["generated_at"] = (generated_at or dt.datetime.now(dt.timezone.utc)).astimezone(
        dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")
    return environment().get_template("weekly.html.j2").render(**context)


class NoDataForWeek(InputError):
    """The asked week lies wholly outside the data: a report of zeros would read as a quiet week."""


def check_week_has_data(con, config, week: ReportWeek) -> None:
    first, last = data_days(con, config)
    if week.sunday < first or week.monday > last:
        raise NoDataForWeek(f"no tickets in {week.label} ({week.monday} to {week.sunday}): the data runs from "
                            f"{first} ({week_of(first).label}) to {last} ({week_of(last).label}); "
                            "no report written")


def report_context(con, config, week: ReportWeek, filters, moment: dt.datetime) -> dict:
    """Everything the template shows, apart from the generation time."""
    zone = ZoneInfo(config.reporting_timezone)
    sla_target = sections.kpi_target(config, "sla_frt_attainment")
    flow = sections.daily(con, config, week, filters, ("inflow", "solved", "backlog"))
    age = sections.daily(con, config, week, filters, AGE_METRICS)
    by_region = sections.by_dimension(con, config, week, filters, "region")
    by_vendor = sections.by_dimension(con, config, week, filters, "vendor")
    movers = sections.category_movers(con, config, week, filters)
    categories_trend = sections.weekly_trend(con, config, week, filters, "inflow", ("abuse_category",))
    sla_trend = sections.weekly_trend(con, config, week, filters, "sla_frt_attainment")
    return {
        "week": week,
        "title": f"Weekly safety-support report {week.label}",
        "period": f"{week.monday:%a %d %b %Y} – {week.sunday:%a %d %b %Y}",
        "timezone": config.reporting_timezone,
        "scope": [{"dim": dim, "value_text": ", ".join(values)} for dim, values in filters],
        "is_partner_report": bool(filters),
        "data_as_of": moment.astimezone(zone).strftime("%Y-%m-%d %H:%M %Z"),
        "kpis": sections.headline_kpis(con, config, week, filters),
        "fig_daily_flow": charts.daily_flow(flow),
        "fig_sla_trend": charts.weekly_line(sla_trend.assign(value=sla_trend["value"] * 100), "fig-sla-trend",
                                            "answered within target (%)",
                                            None if sla_target is None else sla_target * 100),
        "sla_target_text": "" if sla_target is None else f"{sla_target * 100:.1f}%",
        "by_region": by_region, "by_vendor": by_vendor,
        "fig_sla_by_region": charts.attainment_by(by_region["frame"], "region", sla_target),
        "fig_sla_by_vendor": charts.attainment_by(by_vendor["frame"], "vendor", sla_target),
        "fig_ageing": charts.ageing(age),
        "backlog_by_region": sections.backlog_by(con, config, week, filters, "region"),
        "week_end_ageing": _week_end_ageing(age),
        "movers": movers,
        "fig_category_movers": charts.category_changes(movers),
        "fig_category_trend": charts.weekly_line(categories_trend, "fig-category-trend", "tickets per week",
                                                 dim="abuse_category"),
        "anomalies": week_anomalies(con, config, week, filters),
        "vendors": sections.vendor_rows(con, config, week, filters),
        "scorecard_metrics": [(m, sections.label(m)) for m in sections.SCORECARD_METRICS],
        "quality": data_quality(con, config, week, include_files=not filters),
        "definitions": [(sections.label(m), METRICS[m].description) for m in sections.HEADLINE],
        "plotly_js": plotly_js(),
    }


def _week_end_ageing(age) -> list[dict]:
    last = age.iloc[-1] if len(age) else None
    return [{"label": label, "value": 0 if last is None else int(last[metric] or 0)}
            for metric, label, _color in charts.AGE_BUCKETS]


def write_weekly_report(con, config, week: str | None = None, filters=(), out_path: str | Path = "",
                        generated_at: dt.datetime | None = None) -> Path:
    """Build and write atomically: a reader (or a mail job) never sees half a report."""
    out = Path(out_path)
    text = build_weekly_report(con, config, week=week, filters=filters, generated_at=generated_at)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, out)
    finally:
        if tmp.exists():
            tmp.unlink()
    return out
