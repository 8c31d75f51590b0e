"""Weekly, monthly and quarterly series (`detect-csv` only): judged one period at a time.

A period has no cycle inside it that the detector could learn from its neighbours (a week's days
are summed into it), so such a series is judged as the daily model judges a day, with its windows
counted in periods and no weekday profile: expected = the mean of the last `coarse_level_steps`
periods pulled toward the last `coarse_level_long_steps` as far as their noise allows, the band from
the residuals of the last `coarse_scale_steps`, sums of 2-4 periods tested as well. A yearly cycle
is not modelled (a weekly series would need years of history to learn one): a strong season is a
slow rise the level follows, and its peak weeks can alert.
"""
from __future__ import annotations

from dataclasses import replace

from anomaly.rolling import DAY_SECONDS
from anomaly.settings import DetectorSettings


def is_coarse(step_seconds: float) -> bool:
    return step_seconds > DAY_SECONDS


def judged_as(step_seconds: float, s: DetectorSettings) -> tuple[float, DetectorSettings]:
    """The step and settings the detector judges a series at: unchanged up to a day; a coarser
    period is a "day" of a series without a weekly cycle, its windows in periods."""
    if not is_coarse(step_seconds):
        return step_seconds, s
    return DAY_SECONDS, replace(
        s, daily_model="profile", daily_profile_weeks=0,
        daily_level_days=float(s.coarse_level_steps), level_days_daily=float(s.coarse_level_steps),
        daily_level_long_days=float(s.coarse_level_long_steps),
        daily_min_history_days=s.coarse_min_history_steps, scale_days_daily=float(s.coarse_scale_steps),
        shift_days=float(s.coarse_shift_steps))


def history_needed(step_name: str, s: DetectorSettings) -> str:
    return (f"a {step_name} series needs {s.coarse_min_history_steps} periods and {s.daily_min_residuals} more "
            "to measure its noise")
