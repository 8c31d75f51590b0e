"""The plan of a simulation: options, the window, and the expected ticket rate of every hour.

The rate cube `rate[hour, region, category]` (hour = UTC hour since the window start) holds the
expected number of normal tickets, with seasonality computed in each region's local time (so DST
moves the daily peak in UTC). Spikes add their own extra rate on top; see spikes.py.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import pandas as pd

from core.errors import InputError
from sample_data import catalog

FORMATS = ("canonical", "zendesk", "salesforce", "jira")


class SampleOptionError(InputError):
    """A sample-generator option is out of range (days, per-day, start date, time zone, format)."""


@dataclass(frozen=True)
class SampleOptions:
    start: date = date(2026, 5, 1)
    days: int = 180
    per_day: float = 5000
    seed: int = 7
    export_timezone: str = "UTC"
    formats: tuple[str, ...] = ("canonical",)

    def validate(self) -> "SampleOptions":
        if not 1 <= self.days <= 3660:
            raise SampleOptionError(f"--days must be between 1 and 3660, got {self.days}")
        if not 0 < self.per_day <= 1_000_000:
            raise SampleOptionError(f"--per-day must be in (0, 1000000], got {self.per_day}")
        if self.seed < 0:
            raise SampleOptionError(f"--seed must be >= 0, got {self.seed}")
        try:
            ZoneInfo(self.export_timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise SampleOptionError(
                f"--export-timezone {self.export_timezone!r} is not an IANA time zone "
                "(e.g. UTC, America/Sao_Paulo)") from None
        unknown = [f for f in self.formats if f not in FORMATS]
        if unknown or not self.formats:
            raise SampleOptionError(f"unknown format {unknown or self.formats!r}; "
                                    f"valid: {', '.join(FORMATS)}, all")
        return self

    @property
    def start_epoch(self) -> int:
        return int(datetime(self.start.year, self.start.month, self.start.day,
                            tzinfo=timezone.utc).timestamp())

    @property
    def end_epoch(self) -> int:
        """The export's "now": nothing in the export happens after it."""
        return self.start_epoch + self.days * 86400


@dataclass
class Plan:
    options: SampleOptions
    local_hour: np.ndarray        # [hour, region] local clock hour of each UTC hour
    local_weekday: np.ndarray     # [hour, region] local weekday (Mon = 0)
    category_mix: np.ndarray      # [region, category] share of each category in a region
    rate: np.ndarray              # [hour, region, category] expected normal tickets
    n_reporters: int
    spikes: list = field(default_factory=list)   # filled by spikes.plan_spikes

    @property
    def hours(self) -> int:
        return self.rate.shape[0]


def local_clock(options: SampleOptions) -> tuple[np.ndarray, np.ndarray]:
    """Local hour and weekday of every UTC hour of the window, per region (DST-aware)."""
    hours = options.days * 24
    utc = pd.date_range(pd.Timestamp(options.start_epoch, unit="s", tz="UTC"), periods=hours,
                        freq="h")
    hour = np.empty((hours, len(catalog.REGIONS)), dtype=np.int8)
    weekday = np.empty_like(hour)
    for r, region in enumerate(catalog.REGIONS):
        local = utc.tz_convert(catalog.REGION_ZONES[region])
        hour[:, r] = local.hour
        weekday[:, r] = local.day_of_week
    return hour, weekday


def regional_category_mix(rng: np.random.Generator) -> np.ndarray:
    """Each region's category mix: the base mix bent by a fixed per-region factor."""
    bend = rng.lognormal(0.0, 0.35, size=(len(catalog.REGIONS), len(catalog.CATEGORIES)))
    mix = catalog.CATEGORY_BASE_MIX[None, :] * bend
    return mix / mix.sum(axis=1, keepdims=True)


def build_plan(options: SampleOptions, rng: np.random.Generator) -> Plan:
    """Expected hourly rates for the whole window; `rng` is the master stream (plan-level draws)."""
    local_hour, local_weekday = local_clock(options)
    mix = regional_category_mix(rng)
    days = options.days
    # slow drift over the window plus day-to-day wobble per region and per series
    trend = 1.0 + 0.12 * (np.arange(days) / max(days - 1, 1) - 0.5)
    region_day = rng.lognormal(0.0, 0.05, size=(days, len(catalog.REGIONS)))
    series_day = rng.lognormal(0.0, 0.06, size=(days, len(catalog.REGIONS),
                                                len(catalog.CATEGORIES)))
    day_factor = trend[:, None, None] * region_day[:, :, None] * series_day   # [day, r, c]
    seasonal = (catalog.HOURLY_PROFILE[local_hour]
                * catalog.WEEKDAY_PROFILE[local_weekday])                     # [hour, r]
    per_hour = options.per_day / 24.0
    rate = (per_hour * catalog.REGION_SHARE[None, :, None] * mix[None, :, :]
            * seasonal[:, :, None] * np.repeat(day_factor, 24, axis=0))
    expected_total = options.per_day * days
    n_reporters = max(50, int(expected_total * 0.55))
    return Plan(options, local_hour, local_weekday, mix, rate, n_reporters)
