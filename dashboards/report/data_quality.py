"""Data quality for the report: files loaded and rows rejected (by reason) during the week, as
`metrics.load_health` counts them (the same numbers as the Data health page and `status`)."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from dashboards.formatting import format_value
from dashboards.report.weeks import ReportWeek
from metrics import load_health


def week_bounds_utc(week: ReportWeek, tz: str) -> tuple[dt.datetime, dt.datetime]:
    """[Monday 00:00, next Monday 00:00) in the reporting zone, as UTC instants."""
    zone = ZoneInfo(tz)
    start = dt.datetime.combine(week.monday, dt.time(), zone)
    end = dt.datetime.combine(week.sunday + dt.timedelta(days=1), dt.time(), zone)
    return start.astimezone(dt.timezone.utc), end.astimezone(dt.timezone.utc)


def data_quality(con, config, week: ReportWeek, include_files: bool = True) -> dict:
    """Totals, rejection reasons and (unless a partner report) the file list for the week's loads."""
    start_at, end_at = week_bounds_utc(week, config.reporting_timezone)
    totals = load_health.load_totals(con, start_at, end_at)
    loaded = totals.get("loaded", {})
    ever = load_health.load_totals(con, *load_health.ALL_TIME).get("loaded", {})
    reasons = load_health.rejections_between(con, start_at, end_at).to_dict("records")
    files = load_health.load_runs_between(con, start_at, end_at).to_dict("records") if include_files else []
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
