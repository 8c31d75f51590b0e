"""Point verdicts: expected value, band, tail probability, score and is_anomaly, for many series at once.

Counts (ticket counts, mentions) use a negative-binomial predictive distribution whose mean is the
baseline and whose variance is `phi * (mu + k*mu^2)`, with phi from the MAD of past standardised
residuals. So a category going 0 -> 2 stays inside its band (Poisson noise), while 40 -> 160 is far
outside. Continuous series (minutes, shares) use a normal band from the MAD. The band already
includes the minimum excess and minimum % rise.

A point is an anomaly when it lies outside the band, with two refinements:
- novelty: a new alert starts only where the rise also beats the largest rise of the last
  `novelty_days` (bursty streams would otherwise page on every routine burst); points that continue
  a started alert need not. The points of alerts already raised are not routine bursts and are left
  out of that reference. Within `novelty_days` after an alert, a new onset must also bring more
  excess than that alert's peak: the rise is a ratio to expected, expected falls at night, so the
  tail of an evening burst would otherwise re-fire as a "bigger" one once the merge gap has passed.
  A run that has already brought more excess than that alert in total passes too: a tail never adds
  up to its burst, so a long wave of moderate points is a new incident;
- sums: daily steps test the sums of 2-4 days, sub-daily counts those of the last hours
  (`window_hours_subdaily` finer than an hour, `window_hours_hourly` at hourly steps), against the
  scale before `tail_quantile` widened it (hourly ones once the weekly model has settled);
- sustained: `sustained_hours` of consecutive points each with p <= `sustained_alpha` and half the
  minimum rise alert even inside the band (+40% for days on a noisy daily series).
"""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from anomaly.alerts import alert_runs, merge_gap_steps
from anomaly.band import Band, band, size_limits
from anomaly.baseline import Baseline, level_window
from anomaly.rolling import DAY_SECONDS, HOUR_SECONDS, _shift, steps_per
from anomaly.clean_baseline import clean_baseline, run_lengths
from anomaly.window_evidence import window_p_up, window_rise
from anomaly.settings import DetectorSettings
from core.errors import InputError

RaisedAlert = tuple[int, int, float, float]   # onset, last point, peak excess, total excess


class IrregularSeries(InputError):
    """The timestamps are not on one regular step between 5 minutes and 1 day."""


@dataclass(frozen=True)
class Verdicts:
    expected: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    p_value: np.ndarray     # tail probability in the alerting direction (1 where no verdict)
    score: np.ndarray       # -log10(p) / cap, in [0, 1]
    is_anomaly: np.ndarray  # bool
    sign: np.ndarray        # +1 above the band, -1 below, 0 inside
    is_counts: bool
    seasonal_weeks: np.ndarray  # past weeks behind the seasonal slot (0 = level only)


def looks_like_counts(values: np.ndarray) -> bool:
    v = values[~np.isnan(values)]
    return v.size > 0 and bool(np.all(v >= 0)) and bool(np.all(v == np.round(v)))


def _sustained(hit: np.ndarray, k: int) -> np.ndarray:
    """True where the last k points were all hits: k moderately unlikely points in a row are as
    unlikely as one extreme point (0.01^2 = 1e-4), which catches +40% for days on a noisy series."""
    if k > hit.shape[0]:
        return np.zeros_like(hit)
    runs = pd.DataFrame(hit.astype(float), copy=False).rolling(k, min_periods=k).sum().to_numpy()
    return np.nan_to_num(runs) >= k


def _rise(values, mu, sd, defined, s: DetectorSettings, is_counts: bool) -> np.ndarray:
    """How far each point rises above expected, NaN where there is no verdict; a fall is negative.

    For counts the log ratio log((x+1)/(mu+1)), so a night-time burst is compared with other bursts
    by how many times expected, not by raw counts; other series use the standardised residual.
    """
    x = np.nan_to_num(values)
    if is_counts and s.novelty_metric == "ratio":
        return np.where(defined, np.log((x + 1) / (mu + 1)), np.nan)
    return np.where(defined, (x - mu) / sd, np.nan)


@dataclass(frozen=True)
class SumRise:
    """Sub-daily counts: the rise of the hour sum ending at each point (log((X+1)/(M+1))), where
    the sum made the point a candidate (`hit`), and the sum's width in steps."""
    rise: np.ndarray
    hit: np.ndarray
    width: int


def _novel_runs(candidates: np.ndarray, rise: np.ndarray, excess: np.ndarray, gap: int, window: int,
                s: DetectorSettings, rising_for: np.ndarray | None = None,
                sums: SumRise | None = None) -> np.ndarray:
    """Keep each run of candidate points (gaps <= gap) from its first onset on, where an onset is a
    candidate that
    - rises more than `novelty_factor` x the largest rise of the previous `window` points (and 0): a
      burst is news only when it beats the bursts this series had recently. With
      `novelty_skip_alerts` the points of alerts already raised (onset .. last point) are left out
      of that reference: an incident is not a routine burst, and must not make the series deaf to
      the next one;
    - with `novelty_decay`, while an alert raised on the series ended less than `window` points
      ago, brings more excess than that alert's peak: the rise is relative to expected, expected
      falls at night, so the tail of an evening burst would otherwise re-fire as a "bigger" one.
      With `novelty_run_total` it is enough that the run so far (its first candidate .. the onset)
      has brought more excess than that alert in total: a tail decays and never adds up to its
      burst, so a wave that has is a new incident, however low each of its points.
    With `rising_for` (per point, how many points in a row up to it were above expected) the points
    of the candidate's own rise are not a past burst to beat either: on daily sums the evidence
    builds over days while the first day's ratio may stay the largest, and a three-day rise must
    not be "not news" because of its own first day.
    With `sums` a candidate that its hour sum made one is also news when that sum's rise beats the
    past sums' rises (the sums overlapping its own window left out): a sparse series' routine blips
    of 5-10 minutes set the point reference, and a sustained rise of x3-x5 whose single points are
    no bigger than those blips stood no chance against it, though its hour sum stands far above
    any past hour's (benchmarks/README.md, anomaly section 5, session of 2026-12-07 morning).
    Only past points count, so an alert's start never moves when more data arrives.
    """
    out = np.zeros_like(candidates)
    if not candidates.any():
        return out
    ref_all = _shift(pd.DataFrame(rise, copy=False).rolling(window, min_periods=1).max().to_numpy(), 1)
    for col in np.flatnonzero(candidates.any(axis=0)):
        r, ref = rise[:, col], ref_all[:, col]
        ex = np.nan_to_num(excess[:, col], nan=-np.inf)
        ex_sum = np.concatenate(([0.0], np.cumsum(np.nan_to_num(excess[:, col], nan=0.0))))
        raised: deque[RaisedAlert] = deque()   # recent alerts of this series
        for first, last in alert_runs(candidates[:, col], gap):
            onset = None
            for t in np.flatnonzero(candidates[first:last + 1, col]) + first:
                lo = max(0, t - window)
                while raised and raised[0][1] < lo:      # t only grows: older alerts never matter again
                    raised.popleft()
                own = 0 if rising_for is None or t == 0 else int(rising_for[t - 1, col])
                news = _beats_past(r, ref[t], t, lo, raised, own, s)
                if not news and sums is not None and sums.hit[t, col]:
                    news = _beats_past(sums.rise[:, col], None, t, lo, raised, max(own, sums.width - 1), s)
                if not news:
                    continue
                if s.novelty_decay and raised and not _beats_recent_alerts(
                        ex[t], ex_sum[t + 1] - ex_sum[first], raised, s):
                    continue
                onset = int(t)
                break
            if onset is not None:
                seg = slice(onset, last + 1)
                out[seg, col] = candidates[seg, col]
                peak = float(np.max(np.where(candidates[seg, col], ex[seg], -np.inf)))
                raised.append((onset, last, peak, float(ex_sum[last + 1] - ex_sum[onset])))
    return out


def _beats_past(r: np.ndarray, ref: float | None, t: int, lo: int, raised: deque[RaisedAlert], own: int,
                s: DetectorSettings) -> bool:
    """Does the rise r[t] beat `novelty_factor` x the largest rise of r[lo:t] (and 0), leaving out
    the points of alerts already raised (`novelty_skip_alerts`) and the last `own` points? `ref`:
    that largest rise precomputed without any point left out (None: compute it here)."""
    best = ref
    if best is None or (s.novelty_skip_alerts and raised) or own:
        keep = np.ones(t - lo, dtype=bool)
        for on, end, _, _ in raised if s.novelty_skip_alerts else ():
            keep[max(on, lo) - lo:end + 1 - lo] = False
        keep[max(0, t - own - lo):] = False
        past = r[lo:t][keep]
        best = np.nanmax(past) if np.any(~np.isnan(past)) else np.nan
    return bool(r[t] > s.novelty_factor * max(0.0, 0.0 if np.isnan(best) else best))


def _beats_recent_alerts(point_excess: float, run_excess: float, raised: deque[RaisedAlert],
                         s: DetectorSettings) -> bool:
    """An onset near recent alerts: more excess than their peak point, or (`novelty_run_total`) a
    run that has already brought more excess than any of them in total."""
    if point_excess > max(peak for _, _, peak, _ in raised):
        return True
    return s.novelty_run_total and run_excess > max(total for _, _, _, total in raised)


def _bulk_band(bd: Band, base: Baseline) -> Band:
    """The band with the scale before the tail widened it (sd is proportional to the scale)."""
    if base.bulk_scale is None:
        return bd
    with np.errstate(all="ignore"):
        ratio = np.where(bd.defined, base.bulk_scale / base.scale, 1.0)
    return replace(bd, sd=bd.sd * np.where(np.isfinite(ratio), ratio, 1.0))


def subdaily_widths(step_seconds: float, s: DetectorSettings) -> tuple[int, ...]:
    """The windows (in steps, at least 2) whose sums sub-daily counts are tested on: hours of
    `window_hours_subdaily` for steps finer than an hour, of `window_hours_hourly` for steps of an
    hour up to a day. Daily steps test their own 2-4 day sums instead."""
    if step_seconds >= DAY_SECONDS:
        return ()
    hours = s.window_hours_subdaily if step_seconds < HOUR_SECONDS else s.window_hours_hourly
    return tuple(sorted({w for h in hours if (w := steps_per(h * HOUR_SECONDS, step_seconds)) >= 2}))


def _weekly_model_settled(base: Baseline, step_seconds: float, s: DetectorSettings) -> np.ndarray:
    """Rows whose level window lies wholly after the weekly slots began. Before that an hourly
    series' level comes from whatever the last two days were: the Monday after a quiet weekend is
    a morning of hours each a little above it, which summed is a "rise" every week of the warm-up
    (hourly ticket counts with weekends at 60%: a false alert on the first Mondays of most series;
    so did sums against the warm-up's wider point band, benchmarks/README.md 2026-12-08 night)."""
    window = level_window(step_seconds, s)
    has_slots = np.asarray(base.seasonal_weeks) > 0
    return has_slots & (_shift(has_slots.astype(float), window) == 1.0)


def evaluate_points(values: np.ndarray, step_seconds: float, s: DetectorSettings,
                    exclude: np.ndarray | None = None, suppress: np.ndarray | None = None,
                    is_counts: bool | None = None, baseline: Baseline | None = None) -> Verdicts:
    """Verdicts for `values[t, series]`. `exclude` points never feed the baseline (known events);
    `suppress` points never alert. A caller with its own expectation (category shares: expected
    share x the day's region inflow) passes `baseline`; `exclude` then only matters to that caller."""
    values = np.asarray(values, dtype=float)
    if values.ndim == 1:
        values = values[:, None]
    if is_counts is None:
        is_counts = s.count_model == "counts" or (s.count_model == "auto" and looks_like_counts(values))
    if step_seconds >= DAY_SECONDS:
        s = replace(s, alpha=s.alpha_daily)
    if s.direction == "both":
        # A two-sided test spends `alpha` on both tails, half on each: a level series' point then
        # has the same false-alarm probability as a count's (a noisy flat 5-minute level paged 1.3
        # times a month, and 0.6 with half: benchmarks/README.md, anomaly section 5, 2026-12-08 night).
        s = replace(s, alpha=s.alpha / 2)
    base = baseline
    if base is None:
        history = values.copy()
        if exclude is not None:
            history[np.asarray(exclude, dtype=bool)] = np.nan
        base = clean_baseline(history, step_seconds, s, is_counts)
    bd = band(values, base, s, is_counts)
    mu, mu_d, sd_all, defined = bd.expected, bd.mu, bd.sd, bd.defined
    lower, upper, p_up, p_down = bd.lower, bd.upper, bd.p_up, bd.p_down
    x = np.nan_to_num(values)
    use_windows = step_seconds >= DAY_SECONDS and s.window_sum_steps > 1
    sums = None
    sub_widths = subdaily_widths(step_seconds, s) if is_counts else ()
    p_sums = np.ones(values.shape)
    if use_windows:
        # (A day's own z says whether it rose; a 5-minute point's, in an hour's sum, does not: the
        # sub-daily sums below keep every point above expected.)
        p_sums = window_p_up(values, bd, s, is_counts, base, point_min_z=s.window_point_min_z)
    elif sub_widths:
        # Sub-daily counts: sums of hours against the bulk scale (a blip is diluted in a sum).
        hourly = step_seconds >= HOUR_SECONDS
        # An hour about at its expectation after a burst is not flagged on the sums that hold the
        # burst (as a day after a spike is not); a 5-minute point's own z says little, so it is kept.
        p_sums = window_p_up(values, _bulk_band(bd, base), s, is_counts, None, sub_widths,
                             point_min_z=s.window_point_min_z_hourly if hourly else 0.0,
                             clip_sd=s.window_clip_sd_subdaily)
        if hourly:
            p_sums = np.where(_weekly_model_settled(base, step_seconds, s), p_sums, 1.0)
        if s.novelty_sum_alpha > 0:
            width = max(sub_widths)
            sums = SumRise(window_rise(values, bd, width), defined & (p_sums <= s.novelty_sum_alpha), width)
    p_up = np.minimum(p_up, p_sums)      # the score's p: the point's or its sums', whichever is smaller
    tested_sums = use_windows or bool(sub_widths)
    # A point alone is a candidate only beyond its band, which holds the minimum size; its sums by
    # their p (which have passed the minimum size themselves). Its own p, merged into p_up for the
    # score, must not bypass the band: 3 tickets where 0.2 were expected is p < 1e-4 but no incident
    # (it paged on the samples once the warehouse's hourly series had sums; benchmarks/README.md).
    sum_hit = p_sums <= s.alpha           # 1 where no sum is tested
    above = defined & ((x > upper) | sum_hit) & (s.direction in ("up", "both"))
    below = defined & (x < lower) & (s.direction in ("down", "both"))
    if s.novelty_days > 0:
        # Onsets must also beat recent bursts; points that continue a started alert need not.
        rise = _rise(values, mu_d, sd_all, defined, s, is_counts)
        excess = np.where(defined, x - mu_d, np.nan)
        window = steps_per(s.novelty_days * DAY_SECONDS, step_seconds)
        gap = merge_gap_steps(step_seconds, s)
        rising_for = run_lengths(defined & (x > mu_d)) if tested_sums and s.novelty_own_run else None
        above = _novel_runs(above, rise, excess, gap, window, s, rising_for, sums)
        below = _novel_runs(below, -rise, -excess, gap, window, s)
    if s.direction == "up":
        p_dir = p_up
    elif s.direction == "down":
        p_dir = p_down
    else:
        p_dir = np.minimum(p_up, p_down)
    p_dir = np.where(defined, np.clip(p_dir, 1e-300, 1.0), 1.0)
    score = np.clip(-np.log10(p_dir) / s.score_log10_cap, 0.0, 1.0)
    if s.sustained_hours > 0 and not use_windows:
        k = max(2, int(np.ceil(s.sustained_hours * 3600 / step_seconds)))
        # Each point of the run needs the minimum excess and half the minimum % rise.
        half_lo, half_hi = size_limits(np.where(defined, mu, 0.0), replace(s, min_rise_pct=s.min_rise_pct / 2))
        above |= _sustained(defined & (x >= half_hi) & (p_up <= s.sustained_alpha), k) & (s.direction != "down")
        below |= _sustained(defined & (x <= half_lo) & (p_down <= s.sustained_alpha), k) & (s.direction != "up")
    is_anomaly = above | below
    if suppress is not None:
        is_anomaly &= ~np.asarray(suppress, dtype=bool)
    sign = np.where(is_anomaly & above, 1, np.where(is_anomaly & below, -1, 0)).astype(np.int8)
    nan = np.nan
    return Verdicts(
        expected=np.where(defined | ~np.isnan(mu), mu, nan),
        lower=np.where(defined, lower, nan), upper=np.where(defined, upper, nan),
        p_value=p_dir, score=score, is_anomaly=is_anomaly, sign=sign, is_counts=is_counts,
        seasonal_weeks=base.seasonal_weeks,
    )


def infer_step(index: pd.DatetimeIndex, source: str = "series", first_line: int | None = None) -> float:
    """The regular step in seconds (5 minutes .. 1 day); names the first irregular timestamp."""
    if len(index) < 2:
        raise IrregularSeries(f"{source}: need at least 2 timestamps to infer the step, got {len(index)}")
    secs = np.diff(index.asi8).astype(float) / _ticks_per_second(index)
    positive = secs[secs > 0]
    if positive.size == 0:
        raise IrregularSeries(f"{source}: timestamps never advance (all duplicates or descending)")
    values, counts = np.unique(positive, return_counts=True)
    step = float(values[np.argmax(counts)])   # the most common step; any other is the error
    if not 300 <= step <= 86_400:
        raise IrregularSeries(f"{source}: inferred step {step:g} s is outside 5 minutes .. 1 day")
    bad = np.nonzero(secs != step)[0]
    if bad.size:
        i = int(bad[0])
        where = f"line {first_line + i + 1}" if first_line is not None else f"row {i + 2}"
        kind = "duplicate or out-of-order" if secs[i] <= 0 else "irregular"
        raise IrregularSeries(
            f"{source}: {kind} step at {index[i + 1]} ({where}): {secs[i]:g} s after {index[i]}, "
            f"expected {step:g} s; resample to a regular step first")
    return step


def _ticks_per_second(index: pd.DatetimeIndex) -> float:
    """asi8 counts in the index's unit (pandas 3 may infer s/ms/us instead of ns)."""
    return {"s": 1.0, "ms": 1e3, "us": 1e6, "ns": 1e9}[getattr(index, "unit", "ns")]


def detect_series(series: pd.Series, settings: DetectorSettings | None = None,
                  exclude: np.ndarray | None = None, suppress: np.ndarray | None = None,
                  source: str = "series", first_line: int | None = None) -> pd.DataFrame:
    """Run the detector on one series with a regular DatetimeIndex.

    Returns one row per input row: value, expected, lower, upper, p_value, score, is_anomaly, sign.
    """
    s = settings or DetectorSettings()
    if not isinstance(series.index, pd.DatetimeIndex):
        raise IrregularSeries(f"{source}: the series needs a DatetimeIndex")
    step = infer_step(series.index, source, first_line)
    v = evaluate_points(series.to_numpy(dtype=float, na_value=np.nan), step, s, exclude, suppress)
    return pd.DataFrame({
        "value": series.to_numpy(dtype=float, na_value=np.nan),
        "expected": v.expected[:, 0], "lower": v.lower[:, 0], "upper": v.upper[:, 0],
        "p_value": v.p_value[:, 0], "score": v.score[:, 0],
        "is_anomaly": v.is_anomaly[:, 0], "sign": v.sign[:, 0],
    }, index=series.index)
