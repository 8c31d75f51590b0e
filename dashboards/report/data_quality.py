"""Data quality for the report: files loaded and rows rejected (by reason) during the week.

Lives here rather than in metrics/ because the metrics layer has no read of load_runs or
rejected_rows (checked with the metrics developer's code on 2026-11-24): these are facts about
loading, not metric definitions. Move it to metrics/ if a page needs the same numbers.
"""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from dashboards.formatting import format_value
from dashboards.report.weeks import ReportWeek
from core.sql_files import bound_params
from core.sql_files import sql_text


# every load ever recorded: the context for a week in which nothing was loaded
ALL_TIME = {"start_at": dt.datetime(1900, 1, 1, tzinfo=dt.timezone.utc),
            "end_at": dt.datetime(2200, 1, 1, tzinfo=dt.timezone.utc)}


def week_bounds_utc(week: ReportWeek, tz: str) -> tuple[dt.datetime, dt.datetime]:
    """[Monday 00:00, next Monday 00:00) in the reporting zone, as UTC instants."""
    zone = ZoneInfo(tz)
    start = dt.datetime.combine(week.monday, dt.time(), zone)
    end = dt.datetime.combine(week.sunday + dt.timedelta(days=1), dt.time(), zone)
    return start.astimezone(dt.timezone.utc), end.astimezone(dt.timezone.utc)


def _rows(con, name: str, params: dict) -> list[dict]:
    sql = sql_text("dashboards", name)
    cur = con.execute(sql, bound_params(sql, params))
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r)) for r in cur.fetchall()]


def data_quality(con, config, week: ReportWeek, include_files: bool = True) -> dict:
    """Totals, rejection reasons and (unless a partner report) the file list for the week's loads."""
    start_at, end_at = week_bounds_utc(week, config.reporting_timezone)
    params = {"start_at": start_at, "end_at": end_at}
    totals = {r["status"]: r for r in _rows(con, "report_load_totals.sql", params)}
    loaded = totals.get("loaded", {})
    ever = {r["status"]: r for r in _rows(con, "report_load_totals.sql", ALL_TIME)}.get("loaded", {})
    reasons = _rows(con, "report_rejects_by_reason.sql", params)
    files = _rows(con, "report_load_runs.sql", params) if include_files else []
    zone = ZoneInfo(config.reporting_timezone)
    return {
        "n_files_loaded": int(loaded.get("n_files", 0)),
        "n_files_skipped": int(totals.get("skipped", {}).get("n_files", 0)),
        "rows_read": format_value(loaded.get("n_rows_read", 0), "tickets"),
        "rows_loaded": format_value(loaded.get("n_rows_loaded", 0), "tickets"),
        "rows_rejected": format_value(loaded.get("n_rows_rejected", 0), "tickets"),
        "all_time": {"n_files": int(ever.get("n_files", 0)),
                     "rows_read": format_value(ever.get("n_rows_read", 0), "tickets"),
                     "rows_loaded": format_value(ever.get("n_rows_loaded", 0), "tickets"),
                     "rows_rejected": format_value(ever.get("n_rows_rejected", 0), "tickets")},
        "reasons": [{"reason": r["reason"], "n_rows": format_value(r["n_rows"], "tickets"),
                     "n_files": int(r["n_files"])} for r in reasons],
        "files": [{**f, "finished_local": f["finished_at"].astimezone(zone).strftime("%Y-%m-%d %H:%M"),
                   "rows_read": format_value(f["rows_read"], "tickets"),
                   "rows_loaded": format_value(f["rows_loaded"], "tickets"),
                   "rows_rejected": format_value(f["rows_rejected"], "tickets")} for f in files],
    }
