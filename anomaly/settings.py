"""Detector settings: one dataclass with defaults, overridable from `[detection]` in the config.

The defaults are chosen for ticket counts (hourly and daily) and are the ones every evaluation in
benchmarks/README.md (anomaly section) uses; nothing is tuned per dataset.
"""
from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any

from core.errors import InputError

DIRECTIONS = ("up", "down", "both")
COUNT_MODELS = ("auto", "counts", "continuous")


class SettingsError(InputError):
    """A `[detection]` key is unknown or has a value of the wrong kind."""


@dataclass(frozen=True)
class DetectorSettings:
    # Baseline: same slot of the week over the last `seasonal_weeks` weeks, plus a robust level over
    # the last `level_days` days, so the weekly shape survives a change of level.
    seasonal_weeks: int = 4
    min_seasonal_weeks: int = 2
    level_days: float = 2.0           # window of the level for sub-daily steps
    # Sub-daily counts: the level as a "mean" of the (cleaned) window or a "median". The median of a
    # sparse count series is 0 where its mean is 0.3-1 (P(0) > 1/2), and of any count series it sits
    # below the mean, which sums of hours add up (benchmarks/README.md, anomaly section 5, 2026-12-07).
    subdaily_count_level: str = "mean"
    # The weekly slots' own level over the same window, which the slot is divided by: a "median", or
    # "match": the same statistic as the level (the mean for counts). A median of an office-hours day's
    # slots sits near its quiet hours while the level is the day's mean, so busy hours were expected
    # 40-80% too high.
    seasonal_level_stat: str = "match"
    # Sub-daily: days of history before the first expected value (0 = one level window, `level_days`);
    # the warm-up band then waits for half a level window of residuals. 1 day finds bursts on days
    # 2-3 with more false alerts (2026-12-07 afternoon); by NAB's standard weights it is the better
    # trade on every generator family (benchmarks/README.md, anomaly section 5, 2026-12-07 night).
    first_expected_days: float = 1.0
    level_days_daily: float = 7.0     # ... and for daily steps (a whole week: weekday shape cancels)
    daily_model: str = "profile"      # daily steps: level x weekday profile ("slots": the sub-daily model)
    daily_level_days: float = 14.0    # ... mean of this many past days (whole weeks)
    daily_level_stat: str = "mean"    # ... mean or median
    daily_level_long_days: float = 56.0  # ... pulled toward the mean of this many days as far as noise allows; 0 = off
    profile_shrink: bool = True       # ... each weekday's factor shrunk toward 1 by its own sampling noise
    # ... counts: the factors of each week of rows rescaled to average 1 (the shrinkage pulls a busy
    # weekday's small excess in more than a weekend's deep dip, and expected ran low)
    profile_week_mean: bool = True
    # ... weekday profile from this many past weeks: their "winsorized" mean (each week's ratio
    # clipped at 2 robust sds from the median: a spike counts as 2 sds, ordinary weeks in full) or
    # "median". The band allows for the profile's error by its efficiency (median pi/2, winsorized
    # 1.05) and weeks, so a profile from 26 weeks both errs less and needs a narrower band
    # (benchmarks/README.md, anomaly section 5, session of 2026-12-07).
    daily_profile_weeks: int = 26
    daily_profile_stat: str = "winsorized"
    baseline_error: bool = True       # ... the baseline's own error widens the band (most for sums of days)
    scale_dof_factor: float = 1.0     # ... and the scale's: Student's t with this x n residuals dof; 0 = off
    seasonal_pseudo_count: float = 5.0  # shrinks the weekly ratio toward 1 where counts are small
    smooth_minutes: float = 60.0      # sub-hourly series: smooth the seasonal reference over an hour
    scale_days: float = 14.0          # window of the MAD of residuals
    scale_days_daily: float = 182.0   # ... for daily steps: dispersion is a property of the series,
                                      # and a MAD of 28 daily residuals swings by a fifth (tails 15x nominal)
    # Sub-daily counts: the point band's scale is also >= this quantile of the last `scale_days` of
    # |standardised residuals| / its normal value, so a bursty series' routine 5-10 minute blips (its
    # real upper tail, which a MAD of the bulk does not see) stay inside it; sums of hours keep the
    # bulk scale (`window_hours_subdaily`). 0 = off. Daily steps never use it.
    tail_quantile: float = 0.999
    # ... read past the largest residuals seen, where an exponential tail through the
    # `tail_base_quantile` and the `tail_quantile` reaches the band's own tail probability (alpha):
    # a mention stream's next routine cascade may be bigger than the last two weeks' biggest. An
    # option: with the clip above it took 6 more false alerts off the bursty generator and 3 finds
    # off the cycle one.
    tail_extrapolate: bool = False
    tail_base_quantile: float = 0.98
    min_history_points: int = 12      # no verdict before this many observed points
    # Sub-daily steps before the weekly slots exist (level only): the band covers at least this
    # quantile of the last level window's residuals, so a daily cycle the model cannot know yet
    # (a square wave, an office-hours peak) is not an anomaly; 0 = off. (0.95 until 2026-12-07 night:
    # 0.9 finds more early bursts, for a few more false alerts, a better trade by NAB's weights.)
    warmup_quantile: float = 0.9
    # ... learned from which residuals: "raw" (all), "cleaned" (those beyond the MAD band's
    # `clean_alpha` left out) or "recurring" (each cut to the largest of the same time the day
    # before, within `warmup_recur_minutes`: a daily cycle recurs, a burst does not). "raw" by
    # choice of the lead: "recurring" found 2-3 more early bursts on the generators but raised 5
    # more false alerts on the project's sample and delays a new series' first verdict by ~a day
    # (benchmarks/README.md, anomaly section 5).
    warmup_band_from: str = "raw"
    warmup_recur_minutes: float = 60.0
    # ... and the expectation is the median of the same slot of the day over the last
    # `warmup_daily_days` days, where that has fitted the last level window better than the level
    # ("auto") or always ("always"); 0 days = off (the level alone).
    warmup_daily_days: int = 7
    # ... counts finer than an hour: each slot first the mean of this many minutes around it (0 = the
    # slot alone). 25: NAB standard on the sub-daily generators, seeds 1-3, cycle / sparse / bursty
    # 61.7 / 75.2 / 75.3 -> 64.1 / 76.3 / 76.6 (15-45 minutes all within 0.3 of it); the quiet series'
    # alerts unchanged (benchmarks/README.md, anomaly section 5, 2026-12-08 night).
    warmup_smooth_minutes: float = 25.0
    warmup_daily: str = "auto"
    # ... "auto" compares the two fits by mean "absolute" residual, or by mean "squared" residual on
    # counts (the level is a mean; level series always compare absolute residuals). "squared" keeps
    # a sparse count series at its mean instead of its slot median, 0 (5 more early bursts found on
    # sparse seeds 1-2), but raised one more false hourly alert on the project's sample (seed 11) and
    # 3 more on the generators, so it is an option (benchmarks/README.md, anomaly section 5).
    warmup_fit: str = "absolute"
    # ... the residual scale during the warm-up from residuals against that slot ("split": the weekly
    # model after it keeps the scale it had) or one scale over both ("shared"), or, on counts, "own":
    # the weekly model by the larger of its own residuals' scale and the shared one (more bursts found
    # on days 14-28 of the tuning seeds at the same precision, but 5 more false alerts on held-out
    # seed 61: benchmarks/README.md, anomaly section 5, 2026-12-07 afternoon)
    warmup_daily_scale: str = "split"
    # ... the same for hourly steps (an hour up to a day). "own": with "split" the weekly model of an
    # office-hours series kept the scale of its warm-up residuals against the level alone, a daily
    # cycle that is all residual, and its band ran 3-6x too wide until day 28 (the cycle generator's
    # hourly series, seeds 1-3: NAB standard 45.3 -> 51.7, held-out seed 64 52.0 -> 61.0; quiet
    # series and the sample warehouse unchanged: benchmarks/README.md, anomaly section 5, 2026-12-08 night).
    warmup_daily_scale_hourly: str = "own"
    # Points beyond the band are replaced by their expectation in the history the baseline learns
    # from (repeated up to `clean_passes` times to a fixed point; 0 = off), unless they run on
    # longer than `shift_days`: then they are a new level and the baseline follows them.
    clean_passes: int = 6
    clean_alpha: float = 0.001
    # Daily counts: a run of at least `clean_dip_days` days each below the band at `clean_dip_alpha`
    # (a holiday cluster) is replaced too; 0 = off.
    clean_dip_alpha: float = 0.1
    clean_dip_days: int = 2
    clean_scale: str = "skip"         # residuals of the scale: replaced ones left out ("skip"), or raw values ("raw")
    clean_scale_daily: str = "raw"    # ... the same for daily steps
    daily_min_residuals: int = 6      # daily steps: no verdict before the scale has this many residuals
    daily_min_history_days: int = 28  # daily steps: no verdict before four weeks (the weekly profile needs them)
    shift_days: float = 7.0
    # Steps coarser than a day (weekly, monthly, quarterly series in `detect-csv`) are judged as a
    # daily series whose days are the periods, with no weekday profile (anomaly/coarse_steps.py); these
    # replace the daily windows there, in periods (chosen on sample_data/coarse_series.py:
    # benchmarks/README.md, anomaly section 5, 2026-12-07 night).
    coarse_level_steps: int = 4           # the level: mean of this many periods ...
    coarse_level_long_steps: int = 12     # ... pulled toward the mean of this many as far as noise allows
    coarse_min_history_steps: int = 12    # no verdict before this many periods
    coarse_scale_steps: int = 104         # the noise's scale from this many periods' residuals
    coarse_shift_steps: int = 4           # a run of replaced points longer than this is a new level
    # Band and significance.
    # Tail probability that makes a point significant (with `direction = "both"` half of it on each side).
    alpha: float = 1e-4
    alpha_daily: float = 4e-5         # ... on daily steps, where a point and its 2-4 day sums are all tested
    count_model: str = "auto"         # auto: counts when every value is a non-negative integer
    nb_dispersion_floor: float = 0.01  # extra variance share mu^2*k even when MAD says less
    # Practical size: a significant rise must also be big enough to matter.
    min_excess: float = 5.0           # tickets above expected (counts) or units above (continuous)
    min_rise_pct: float = 30.0        # % above expected (below 50 so +50% spikes clear it despite noise)
    # ... for a file's level series (`detect-csv --kind level`: CPU percent, latency, a rate), whose
    # units the detector cannot know: an absolute floor of 5 units is no floor on a latency in ms
    # and a wall on an error rate in percent. Set them to the size that matters for your series.
    level_min_excess: float = 0.0
    level_min_rise_pct: float = 0.0
    direction: str = "up"
    # Sustained rise: enough consecutive points each with p <= sustained_alpha (and the minimum
    # size) also alert; the run must span sustained_hours (2 days = 2 daily points, 48 hourly ones).
    sustained_hours: float = 48.0
    sustained_alpha: float = 0.01
    # Daily steps: the sums of the last 2..window_sum_steps points are tested too (p <= alpha and the
    # minimum size on the sum); this replaces the sustained rule there. 0 or 1 = off.
    window_sum_steps: int = 4
    # ... for a day only when it is itself this many predictive sds above expected: the days after a
    # spike, at their expectation, are not flagged on the spike's sums (flagged rows outside the planted
    # spikes of the daily generator: seeds 1-3 45 / 68 / 70 -> 29 / 37 / 49; alerts unchanged).
    window_point_min_z: float = 0.5
    # Counts finer than an hour: the sums of the last hour and 2 hours (windows of at least 2 steps) are
    # tested too, against the bulk scale: a sustained rise shows in a sum where no single point clears
    # the tail-widened band. () = off. (2-hour sums joined the hour's on 2026-12-07 night.)
    window_hours_subdaily: tuple[float, ...] = (1.0, 2.0)
    # ... and counts at hourly steps (an hour up to a day): sums of these many hours, once the weekly
    # slots have covered a level window (anomaly/detector.py). A burst of a few hours at +50-100%
    # clears no single hour's band but does clear their sum (the cycle generator's hourly series,
    # seeds 1-3: bursts found 0.41 -> 0.46, NAB standard 39.7 -> 45.3, one more false alert in 60
    # series-months; held-out seed 64: 43.1 -> 52.0). The warehouse's hourly families set ()
    # (anomaly/series.py): its daily families judge the same tickets' days, and with sums the
    # sample's alerts went 27 -> 87.
    window_hours_hourly: tuple[float, ...] = (2.0, 6.0)
    # ... flagging an hour only when it is itself this many predictive sds above expected (an hour
    # after a burst, a little above, is not flagged on the sums that hold the burst).
    window_point_min_z_hourly: float = 1.0
    # ... each point entering those sums at most this many bulk sds above expected (0 = off): a
    # mention stream's routine cascades (x2-x4 for 5-30 minutes) lift an hour's sum as much as a
    # sustained burst does. By NAB's standard weights (a missed window costs 9 false alerts) 8 scores
    # as well as no clip on the generators and pages less (sparse family's false alerts 42 -> 13);
    # 3 cuts false alerts by 70-97% but misses bursts (benchmarks/README.md, anomaly section 5,
    # 2026-12-07 night).
    window_clip_sd_subdaily: float = 8.0
    novelty_days: float = 3.0         # must also beat the largest standardised rise of these days; 0 = off
    novelty_factor: float = 1.0       # ... times this factor
    novelty_metric: str = "ratio"     # counts: rise as (x+1)/(mu+1); "z": standardised residual
    novelty_skip_alerts: bool = True  # points of alerts already raised are not "recent bursts" to beat
    novelty_decay: bool = True        # within novelty_days of an alert, an onset must also beat its peak excess
    novelty_run_total: bool = True    # ... or its run so far must have brought more excess than that alert in total
    # Sub-daily counts: a candidate whose hour sum has p <= this is also news when that sum's rise beats
    # the past sums' rises (novelty on the sum's own scale; 0 = off). Only overwhelming sums: at 1e-7
    # and looser, hours lifted by routine blips passed too (benchmarks/README.md, anomaly section 5).
    novelty_sum_alpha: float = 1e-8
    novelty_own_run: bool = True      # daily sums: the days of the candidate's own rise are not past bursts to beat
    # Category share of region inflow: tested as a count (anomaly/share.py), and only on days with
    # at least this many tickets of the category and of the whole region (a share of a handful of
    # tickets is noise however far it moves).
    share_min_count: float = 10.0
    share_min_region_inflow: float = 50.0
    # First-response p90 per region x vendor: a day's p90 over fewer answered tickets than this is
    # not a statistic to alert on (one slow reply is the p90 of three); such days get no verdict.
    frt_min_tickets: float = 20.0
    # Hourly counts: the hour still filling is scanned once this share of it has passed, against an
    # expectation scaled by that share; 1 = wait for the hour to end.
    filling_min_fraction: float = 0.25
    # Alerts.
    merge_gap_minutes: float = 360.0  # anomalous points closer than this form one alert
    merge_gap_steps: int = 1          # ... and never fewer steps than this
    score_log10_cap: float = 12.0     # score = -log10(p) / cap, clipped to [0, 1]
    # Severity: both the tail probability and the excess volume must reach a level.
    severity_p: tuple[float, ...] = (1e-4, 1e-6, 1e-9, 1e-12)
    severity_excess: tuple[float, ...] = (5.0, 25.0, 100.0, 500.0)
    severity_combined: bool = True    # significance = the stronger of the peak point and all points together

    def __post_init__(self) -> None:
        if self.direction not in DIRECTIONS:
            raise SettingsError(f"[detection] direction = {self.direction!r}; valid: {', '.join(DIRECTIONS)}")
        if self.count_model not in COUNT_MODELS:
            raise SettingsError(f"[detection] count_model = {self.count_model!r}; "
                                f"valid: {', '.join(COUNT_MODELS)}")
        if self.daily_model not in ("profile", "slots"):
            raise SettingsError(f"[detection] daily_model = {self.daily_model!r}; valid: profile, slots")
        if self.daily_profile_stat not in ("median", "winsorized"):
            raise SettingsError(f"[detection] daily_profile_stat = {self.daily_profile_stat!r}; "
                                "valid: median, winsorized")
        if self.subdaily_count_level not in ("mean", "median"):
            raise SettingsError(f"[detection] subdaily_count_level = {self.subdaily_count_level!r}; valid: mean, median")
        if self.seasonal_level_stat not in ("median", "match"):
            raise SettingsError(f"[detection] seasonal_level_stat = {self.seasonal_level_stat!r}; valid: median, match")
        if self.warmup_daily not in ("auto", "always"):
            raise SettingsError(f"[detection] warmup_daily = {self.warmup_daily!r}; valid: auto, always")
        if self.warmup_fit not in ("squared", "absolute"):
            raise SettingsError(f"[detection] warmup_fit = {self.warmup_fit!r}; valid: squared, absolute")
        for name in ("warmup_daily_scale", "warmup_daily_scale_hourly"):
            if getattr(self, name) not in ("split", "shared", "own"):
                raise SettingsError(f"[detection] {name} = {getattr(self, name)!r}; valid: split, shared, own")
        if self.warmup_band_from not in ("raw", "cleaned", "recurring"):
            raise SettingsError(f"[detection] warmup_band_from = {self.warmup_band_from!r}; "
                                "valid: raw, cleaned, recurring")
        if self.novelty_metric not in ("ratio", "z"):
            raise SettingsError(f"[detection] novelty_metric = {self.novelty_metric!r}; valid: ratio, z")
        if not 0 < self.alpha < 0.5:
            raise SettingsError(f"[detection] alpha = {self.alpha!r} must be between 0 and 0.5")
        if self.seasonal_weeks < 1 or self.min_seasonal_weeks < 1:
            raise SettingsError("[detection] seasonal_weeks and min_seasonal_weeks must be at least 1")
        if not 0 <= self.warmup_smooth_minutes <= 1440:
            raise SettingsError(f"[detection] warmup_smooth_minutes = {self.warmup_smooth_minutes!r} "
                                "must be between 0 (off) and 1440 (a day)")

    def with_overrides(self, overrides: dict[str, Any] | None) -> "DetectorSettings":
        """A copy with config keys applied; unknown keys are an error, not silently ignored."""
        if not overrides:
            return self
        known = {f.name: f for f in fields(self)}
        values: dict[str, Any] = {}
        for key, value in overrides.items():
            if key not in known:
                if key in IGNORED_KEYS:
                    continue
                raise SettingsError(f"[detection] unknown key {key!r}; valid: {', '.join(sorted(known))}")
            default = getattr(self, key)
            values[key] = _coerce(key, value, default)
        return replace(self, **values)


# Keys under [detection] that other modules read (series selection, calendar), not the detector.
IGNORED_KEYS = frozenset({
    "events_calendar", "hourly", "daily", "by_language", "by_vendor", "share", "mix",
    "mix_contamination", "frt", "contributor_min_share", "history_days",
})


def _coerce(key: str, value: Any, default: Any) -> Any:
    try:
        if isinstance(default, bool):
            return bool(value)
        if isinstance(default, int):
            return int(value)
        if isinstance(default, float):
            return float(value)
        if isinstance(default, tuple):
            return tuple(float(v) for v in value)
        return str(value)
    except (TypeError, ValueError) as exc:
        raise SettingsError(f"[detection] {key} = {value!r} is not a valid {type(default).__name__}") from exc


def settings_from_config(config: Any = None, **overrides: Any) -> DetectorSettings:
    """Defaults, then `config.detection`, then keyword overrides."""
    base = DetectorSettings()
    if config is not None:
        base = base.with_overrides(config.detection)
    return base.with_overrides(overrides)
