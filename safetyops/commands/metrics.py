"""`safetyops metrics`: list the metric registry, show one metric, vendor scorecard, build marts.

Thin wrappers over the metrics library: parse arguments, call it, print.
"""
from __future__ import annotations

import datetime as _dt

import click
import pandas as pd

from core.csv_safe import frame_to_csv
from core.errors import InputError
from metrics.marts import build_marts
from metrics.periods import check_dates, period_floor, shift_period
from metrics.query import data_days, extent, parse_filters
from metrics.show import show as run_show
from metrics.show import show_query
from metrics.registry import GRAINS, METRICS
from metrics.scorecards import default_range, kpi_summary, vendor_scorecard
from core.warehouse import connect_read, writing
from safetyops.context import db_option, pass_app

FORMATS = ("table", "csv", "json")
HIGH_PROFILE = ("high_profile", ("true",))


def _date(_ctx, _param, value):
    return value.date() if value is not None else None


date_type = click.DateTime(formats=["%Y-%m-%d"])
format_option = click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
where_option = click.option("--where", "where", multiple=True, metavar="DIM=VALUE",
                            help="Keep only these values (repeatable; DIM=V1,V2 for several).")
hp_option = click.option("--high-profile", is_flag=True,
                         help="High-profile view: only tickets from high-profile reporters.")
from_option = click.option("--from", "date_from", type=date_type, callback=_date, metavar="DATE",
                           help="First day (reporting zone), inclusive.")
to_option = click.option("--to", "date_to", type=date_type, callback=_date, metavar="DATE",
                         help="Last day (reporting zone), inclusive.")


@click.group("metrics")
def command() -> None:
    """Metric definitions and values (response times, SLA, backlog, abuse trends, vendors)."""


@command.command("list")
@db_option
@format_option
def list_metrics(fmt: str) -> None:
    """Every metric: name, unit, which direction is better, and its definition."""
    frame = pd.DataFrame([{"name": m.name, "unit": m.unit, "better": m.direction, "definition": m.description}
                          for m in METRICS.values()])
    _emit(frame, fmt, wide=True)


@command.command("show")
@click.argument("name")
@click.option("--by", "by", metavar="DIM,...", help="Dimensions to split by, comma-separated.")
@click.option("--grain", type=click.Choice(GRAINS), default="day", show_default=True)
@from_option
@to_option
@where_option
@hp_option
@click.option("--compare", type=click.Choice(["previous"]),
              help="Add the previous period's value and the change (empty before the data starts).")
@click.option("--drop-empty", is_flag=True, help="Leave out periods without tickets (n = 0).")
@format_option
@db_option
@pass_app
def show(app, name, by, grain, date_from, date_to, where, high_profile, compare, drop_empty, fmt) -> None:
    """One row per period x dimension values: period_start, the dimensions, value, n.

    Notes on stderr say when a window was widened to whole periods or reaches past the data;
    a window with no data at all is an error (exit 2) naming the days the data covers.
    """
    query = show_query(name, by, grain, date_from, date_to, where, high_profile, compare)
    check_dates(date_from, date_to)
    con = connect_read(app.config.db_path)
    try:
        facts = extent(con)
        days = data_days(con, app.config, facts)
        check_window_has_data(days, date_from, date_to)
        frame = run_show(con, app.config, query, facts=facts)
    finally:
        con.close()
    for note in window_notes(grain, date_from, date_to, days, frame, compare):
        click.echo(f"note: {note}", err=True)
    if drop_empty:
        frame = frame[frame["n"] > 0].reset_index(drop=True)
    _emit(frame, fmt)


@command.command("scorecard")
@from_option
@to_option
@where_option
@hp_option
@format_option
@db_option
@pass_app
def scorecard(app, date_from, date_to, where, high_profile, fmt) -> None:
    """Vendor scorecard: one row per vendor (default: the last 7 days up to as_of)."""
    _emit(_over_window(app, vendor_scorecard, date_from, date_to, where, high_profile), fmt)


@command.command("summary")
@from_option
@to_option
@where_option
@hp_option
@format_option
@db_option
@pass_app
def summary(app, date_from, date_to, where, high_profile, fmt) -> None:
    """Every metric over one window, with the previous window of equal length (default: last 7 days)."""
    _emit(_over_window(app, kpi_summary, date_from, date_to, where, high_profile), fmt)


def _over_window(app, table_fn, date_from, date_to, where, high_profile) -> pd.DataFrame:
    """`table_fn(con, config, from, to, filters)` over the chosen window (default: the last 7 days
    up to as_of), or an empty table when the warehouse holds no tickets."""
    filters = parse_filters(where) + ((HIGH_PROFILE,) if high_profile else ())
    con = connect_read(app.config.db_path)
    try:
        date_from, date_to = _range(con, app.config, date_from, date_to)
        return table_fn(con, app.config, date_from, date_to, filters) if date_from else pd.DataFrame()
    finally:
        con.close()


@command.command("build-marts")
@db_option
@pass_app
def build(app) -> None:
    """Rebuild the pre-aggregated tables (the refresh does this after loading)."""
    with writing(app.config.db_path) as con:
        counts = build_marts(con, app.config)
    if not app.quiet:
        click.echo(", ".join(f"{name}: {n} rows" for name, n in counts.items()))


def _range(con, config, date_from, date_to):
    if date_from and date_to:
        return date_from, date_to
    default = default_range(con, config)
    if default is None:
        return None, None
    return date_from or default[0], date_to or default[1]


class NoDataInWindow(InputError):
    """The asked window holds no tickets at all (a typo in a year, or data not loaded yet)."""


def check_window_has_data(days, date_from, date_to) -> None:
    if days is None:
        if date_from or date_to:
            raise NoDataInWindow("the warehouse has no tickets yet; nothing to show for that window")
        return
    first, last = days
    if (date_to and date_to < first) or (date_from and date_from > last):
        asked = f"{date_from or '…'} to {date_to or '…'}"
        raise NoDataInWindow(f"no tickets from {asked}: the data runs from {first} to {last} (reporting zone)")


def window_notes(grain, date_from, date_to, days, frame: pd.DataFrame, compare) -> list[str]:
    """What the table does not say by itself: whole periods wider than the dates asked, days
    before or after the data, a first period with nothing to compare with."""
    notes = []
    if grain in ("week", "month") and date_from and period_floor(_midnight(date_from), grain).date() != date_from:
        start = period_floor(_midnight(date_from), grain).date()
        notes.append(f"--from {date_from} is not a {grain} start: the first row is the whole {grain} "
                     f"from {start}")
    if grain in ("week", "month") and date_to:
        end = (shift_period(period_floor(_midnight(date_to), grain), grain, 1) - _dt.timedelta(days=1)).date()
        if end != date_to:
            notes.append(f"--to {date_to} is not a {grain} end: the last row is the whole {grain} to {end}")
    if days is not None and date_from and date_from < days[0]:
        notes.append(f"the data starts on {days[0]}: periods before it have no tickets")
    if days is not None and date_to and date_to > days[1]:
        notes.append(f"the data ends on {days[1]} (as of): periods after it have no tickets")
    if compare and not frame.empty and frame["previous_value"].isna().any() and days is not None:
        notes.append(f"previous_value is empty where the previous period lies before the data "
                     f"(first ticket {days[0]})")
    return notes


def _midnight(day):
    return _dt.datetime.combine(day, _dt.time())


def format_number(v) -> str:
    """Plain digits a reader can take in: 13,245 (never 1.32e+04), 0.6667, 6.9; NA when missing."""
    if v is None or pd.isna(v):
        return "NA"
    v = float(v)
    if v == int(v) and abs(v) < 1e15:
        return f"{int(v):,}"
    if abs(v) >= 100:
        return f"{v:,.1f}"
    return f"{v:.4g}" if abs(v) >= 1e-4 else f"{v:.6f}"


def _emit(frame: pd.DataFrame, fmt: str, wide: bool = False) -> None:
    if fmt == "csv":
        click.echo(frame_to_csv(frame), nl=False)
    elif fmt == "json":
        click.echo(frame.to_json(orient="records", date_format="iso", indent=1))
    elif frame.empty:
        click.echo("(no rows)")
    else:
        view = frame.copy()
        for col in view.columns:
            if pd.api.types.is_float_dtype(view[col]) or pd.api.types.is_integer_dtype(view[col]):
                view[col] = view[col].map(format_number)
        click.echo(view.to_string(index=False, max_colwidth=90 if wide else None))
