"""The warehouse series the detector scans, as dense matrices `values[bucket, series]`.

Families: ticket counts per category x region (hourly, UTC hours; daily, reporting-zone days),
optionally per category x language and category x vendor (daily); the category's share of its
region's inflow (a mix shift at flat volume); frt_p90 per region x vendor (both directions).
The bucket still filling (the one holding the newest ticket) is scanned for hourly counts when
enough of the hour has passed (`filling_min_fraction`): its expectation is scaled by the elapsed
share of the hour, so a spike since 14:00 shows at 14:40, not after 15:00. Daily buckets and
shares wait for the day to end (arrivals within a day are too uneven to pro-rate).
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone

import numpy as np
import pandas as pd

from anomaly.settings import settings_from_config
from metrics.query import MetricQuery, run_query
from core.sql_files import sql_text

# Identifiers that may be put into series SQL: the ticket dimensions, nothing else.
SERIES_DIMENSIONS = ("abuse_category", "region", "language", "vendor", "queue", "channel", "priority")
STEP_SECONDS = {"hour": 3600, "day": 86400}
MAX_USUAL_P90_MINUTES = 366 * 1440.0   # a p90 beyond a year is a data error; it waits a year at most
# The warehouse's hourly counts are tested on the sum of their last 24 hours only: a day-long surge
# then pages within the day instead of when the calendar day closes (samples 11-14, median delay
# 26.5 / 28 / 2.5 / 14 h -> 19.5 / 7.5 / 2 / 5 h, false alerts 7 -> 8), and the daily family's
# alert joins the hourly one as the same incident (anomaly/grouping.py). Sums of 6-12 hours raised
# the samples' false alerts 4-7 fold: within a day the weekly slots' errors run together, over a
# whole day they cancel (benchmarks/README.md, anomaly section 5, 2026-12-08).
_GRAIN_OVERRIDES = {"hour": {"window_hours_hourly": (24.0,)}}


class UnknownSeriesDimension(ValueError):
    pass


@dataclass
class SeriesFamily:
    name: str                  # e.g. counts_hourly, share_daily
    metric: str                # inflow | category_share | frt_p90
    grain: str                 # hour | day
    dims: tuple[str, str]
    index: pd.DatetimeIndex    # bucket starts, tz-naive (UTC hours, reporting-zone days)
    keys: list[dict]           # one {dim: value} per column
    values: np.ndarray         # [bucket, series]
    unit: str                  # tickets | share | minutes
    overrides: dict = field(default_factory=dict)   # detector settings for this family
    # Shares only: the category's tickets and its region's inflow behind each share, [bucket, series].
    counts: np.ndarray | None = None
    totals: np.ndarray | None = None
    # The last bucket is still filling: the share of it elapsed (its expectation is scaled by it).
    filling_fraction: float | None = None
    # Judged on log(1 + value): durations, whose noise is multiplicative (anomaly/scan.py).
    log_scale: bool = False
    # [bucket, series]: buckets shown but not judged, nor learnt from (a day still being answered).
    unsettled: np.ndarray | None = None

    @property
    def step_seconds(self) -> int:
        return STEP_SECONDS[self.grain]


def _check_dim(dim: str) -> str:
    if dim not in SERIES_DIMENSIONS:
        raise UnknownSeriesDimension(f"unknown series dimension {dim!r}; valid: {', '.join(SERIES_DIMENSIONS)}")
    return dim


def history_start(con, config) -> datetime:
    """Scan from `[detection] history_days` before the newest ticket (default 400 days)."""
    days = float(config.detection.get("history_days", 400)) if config is not None else 400.0
    newest = con.execute("SELECT max(created_at) FROM tickets").fetchall()[0][0]
    if newest is None:
        return datetime(1970, 1, 1, tzinfo=timezone.utc)
    return newest - timedelta(days=days)


def _complete_index(first: pd.Timestamp, as_of_bucket_end: pd.Timestamp, grain: str) -> pd.DatetimeIndex:
    freq = "h" if grain == "hour" else "D"
    return pd.date_range(first, as_of_bucket_end, freq=freq, inclusive="left")


def _newest_ticket(con, config, grain: str = "day") -> pd.Timestamp:
    """The newest ticket's creation, naive, in the zone the grain's buckets are cut in."""
    tz = config.reporting_timezone if grain == "day" else "UTC"
    return pd.Timestamp(con.execute("SELECT max(timezone($tz, created_at)) FROM tickets", {"tz": tz}).fetchall()[0][0])


def _last_complete_end(con, config, grain: str) -> pd.Timestamp:
    """Start of the bucket that holds the newest ticket: everything before it is complete."""
    return _newest_ticket(con, config, grain).floor("h" if grain == "hour" else "D")


def days_still_answering(values: np.ndarray, index: pd.DatetimeIndex, newest: pd.Timestamp) -> np.ndarray:
    """[day, series]: days whose first-response p90 may still move. It is over the replies given by
    the data's end, so while a day's slowest tenth could still be waiting (the day's end plus the
    series' usual p90 is after the newest ticket) it is low by construction, not faster: on the
    samples each slow vendor's last day was a "p90 fell to 40%" alert."""
    if values.size == 0 or pd.isna(newest):
        return np.zeros(values.shape, dtype=bool)
    usual_minutes = np.nan_to_num(pd.DataFrame(values).median(axis=0).to_numpy(dtype=float), nan=0.0)
    usual_minutes = np.clip(usual_minutes, 0.0, MAX_USUAL_P90_MINUTES)   # nanoseconds must fit in 64 bits
    day_ends = (index + pd.Timedelta(days=1)).to_numpy()
    answered_by = day_ends[:, None] + (usual_minutes[None, :] * 60e9).astype("timedelta64[ns]")
    return answered_by > np.datetime64(newest)


def _pivot(long: pd.DataFrame, value_col: str, index: pd.DatetimeIndex, fill: float,
           dims: tuple[str, str]) -> tuple[list[dict], np.ndarray]:
    if long.empty or len(index) == 0:
        return [], np.zeros((len(index), 0))
    wide = long.pivot_table(index="bucket_at", columns=["dim_a", "dim_b"], values=value_col,
                            aggfunc="sum", observed=True)
    wide.index = pd.DatetimeIndex(wide.index)
    wide = wide.reindex(index)
    keys = [{dims[0]: str(a), dims[1]: str(b)} for a, b in wide.columns]
    values = wide.to_numpy(dtype=float, na_value=np.nan)
    if not np.isnan(fill):
        values = np.nan_to_num(values, nan=fill)
    return keys, values


def _first_bucket(con, config, grain: str, from_at: datetime) -> pd.Timestamp:
    """The bucket of the first ticket since `from_at`: where every series of a family starts."""
    tz = config.reporting_timezone if grain == "day" else "UTC"
    first = con.execute("SELECT min(timezone($tz, created_at)) FROM tickets WHERE created_at >= $from_at",
                        {"tz": tz, "from_at": from_at}).fetchall()[0][0]
    return pd.Timestamp(first).floor("h" if grain == "hour" else "D")


def filling_fraction(con) -> tuple[pd.Timestamp, float] | None:
    """The hour holding the newest ticket (UTC, naive) and the share of it elapsed by then."""
    newest = con.execute("SELECT max(timezone('UTC', created_at)) FROM tickets").fetchall()[0][0]
    if newest is None:
        return None
    newest = pd.Timestamp(newest)
    start = newest.floor("h")
    return start, (newest - start) / pd.Timedelta(hours=1)


def count_family(con, config, grain: str, dims: tuple[str, str], from_at: datetime,
                 name: str | None = None, only: dict | None = None) -> SeriesFamily:
    """Ticket counts per bucket x dims; `only` ({dim: value}) keeps the series with those values, on
    the same time index as the whole family (so a drill-down sees what the scan saw)."""
    only = only or {}
    series_filter = "".join(f" AND {_check_dim(dim)} = $only_{i}" for i, dim in enumerate(only))
    sql = sql_text("anomaly", "series_counts.sql").format(dim_a=_check_dim(dims[0]), dim_b=_check_dim(dims[1]),
                                                          series_filter=series_filter)
    params = {"grain": grain, "tz": config.reporting_timezone, "from_at": from_at,
              **{f"only_{i}": value for i, value in enumerate(only.values())}}
    long = con.execute(sql, params).df()
    index = pd.DatetimeIndex([])
    fraction = None
    if not long.empty:
        end = _last_complete_end(con, config, grain)
        filling = filling_fraction(con) if grain == "hour" else None
        if filling is not None and filling[1] >= settings_from_config(config).filling_min_fraction:
            end, fraction = end + pd.Timedelta(hours=1), filling[1]
        first = _first_bucket(con, config, grain, from_at) if only else pd.Timestamp(long["bucket_at"].min())
        index = _complete_index(first, end, grain)
    keys, values = _pivot(long, "n_tickets", index, 0.0, dims)
    return SeriesFamily(name or f"counts_{grain}ly".replace("dayly", "daily"), "inflow", grain, dims,
                        index, keys, values, "tickets", _GRAIN_OVERRIDES.get(grain, {}), filling_fraction=fraction)


def share_family(daily: SeriesFamily) -> SeriesFamily:
    """Category share of its region's daily inflow, from the category x region daily counts.

    The values are shares (what the pages show); the counts and region totals behind them go along,
    because the detector tests a share as a count (anomaly/share.py)."""
    regions = np.array([k["region"] for k in daily.keys])
    totals = np.zeros_like(daily.values)
    for region in np.unique(regions):
        cols = regions == region
        totals[:, cols] = daily.values[:, cols].sum(axis=1, keepdims=True)
    with np.errstate(all="ignore"):
        shares = np.where(totals > 0, daily.values / totals, np.nan)
    return SeriesFamily("share_daily", "category_share", "day", daily.dims, daily.index, daily.keys,
                        shares, "share", {"count_model": "counts", "direction": "up"},
                        counts=daily.values, totals=totals)


def frt_family(con, config, from_at: datetime) -> SeriesFamily:
    """frt_p90 per region x vendor per day, read through the metrics layer so the detector sees
    exactly the numbers the pages and the report show."""
    from_day = pd.Timestamp(from_at).tz_convert(config.reporting_timezone).date()
    frame = run_query(con, MetricQuery("frt_p90", grain="day", by=("region", "vendor"), date_from=from_day), config)
    min_tickets = settings_from_config(config).frt_min_tickets
    frame = frame.dropna(subset=["value"])
    frame = frame[frame["n"] >= min_tickets]
    index = pd.DatetimeIndex([])
    newest = _newest_ticket(con, config)
    if not frame.empty:
        index = _complete_index(pd.Timestamp(frame["period_start"].min()), newest.floor("D"), "day")
    long = frame.rename(columns={"period_start": "bucket_at", "region": "dim_a", "vendor": "dim_b"})
    keys, values = _pivot(long, "value", index, np.nan, ("region", "vendor"))
    return SeriesFamily("frt_p90_daily", "frt_p90", "day", ("region", "vendor"), index, keys, values,
                        "minutes", {"count_model": "continuous", "direction": "both",
                                    "min_excess": 30.0, "min_rise_pct": 50.0}, log_scale=True,
                        unsettled=days_still_answering(values, index, newest))


def load_families(con, config) -> list[SeriesFamily]:
    """Every family the config asks for (`[detection] hourly/daily/by_language/by_vendor/share/frt`)."""
    det = config.detection if config is not None else {}
    from_at = history_start(con, config)
    out = []
    if det.get("hourly", True):
        out.append(count_family(con, config, "hour", ("abuse_category", "region"), from_at, "counts_hourly"))
    daily = count_family(con, config, "day", ("abuse_category", "region"), from_at, "counts_daily")
    if det.get("daily", True):
        out.append(daily)
    if det.get("by_language", True):
        out.append(count_family(con, config, "day", ("abuse_category", "language"), from_at, "counts_daily_language"))
    if det.get("by_vendor", True):
        out.append(count_family(con, config, "day", ("abuse_category", "vendor"), from_at, "counts_daily_vendor"))
    if det.get("share", True) and daily.keys:
        out.append(share_family(daily))
    if det.get("frt", True):
        out.append(frt_family(con, config, from_at))
    return [f for f in out if f.keys and len(f.index) > 1]


FAMILY_DIMS = {"counts_hourly": ("hour", ("abuse_category", "region")),
               "counts_daily": ("day", ("abuse_category", "region")),
               "counts_daily_language": ("day", ("abuse_category", "language")),
               "counts_daily_vendor": ("day", ("abuse_category", "vendor"))}


def load_series(con, config, name: str, key: dict) -> SeriesFamily | None:
    """The one series of family `name` with dimension values `key`, as the scan sees it (same time
    index, same shares): what a drill-down needs, without loading every series of the family."""
    from_at = history_start(con, config)
    if name in FAMILY_DIMS:
        grain, dims = FAMILY_DIMS[name]
        if set(key) != set(dims):
            return None
        family = count_family(con, config, grain, dims, from_at, name, only=key)
    elif name == "share_daily" and "region" in key:
        # a share needs its region's total: every category of that region
        daily = count_family(con, config, "day", ("abuse_category", "region"), from_at, "counts_daily",
                             only={"region": key["region"]})
        family = share_family(daily)
    elif name == "frt_p90_daily":
        family = frt_family(con, config, from_at)
    else:
        return None
    if key not in family.keys:
        return None
    return one_series(family, family.keys.index(key))


def one_series(family: SeriesFamily, col: int) -> SeriesFamily:
    pick = [col]
    return replace(family, keys=[family.keys[col]], values=family.values[:, pick],
                   counts=None if family.counts is None else family.counts[:, pick],
                   totals=None if family.totals is None else family.totals[:, pick],
                   unsettled=None if family.unsettled is None else family.unsettled[:, pick])
