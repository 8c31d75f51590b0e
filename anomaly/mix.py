"""Multivariate check: unusual category mixes per region-day that no single series shows.

An IsolationForest per region learns the usual vectors of category shares; a day is flagged when
the forest isolates it (score below the `auto` offset) AND the mix differs significantly from the
region's usual mix (chi-square on the counts) AND one category moved by at least `min_points`
share points. Consecutive flagged days form one alert.

The usual mix is each category's share of all the region's tickets over the scanned days, with
half a ticket added to every category. Not the median of each day's share: a rare category's median
share is 0, so one ticket of it made a chi-square in the millions, and every day a busy category
moved 5 points (a region of ~130 a day does that often) was an alert (14 paged incidents in 4
months on a sample region, none of them planted: benchmarks/README.md, 2026-12-08).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats
from sklearn.ensemble import IsolationForest

from anomaly.alerts import Alert, alert_runs
from anomaly.series import SeriesFamily

MIN_DAYS = 28
MIN_REGION_TICKETS_PER_DAY = 50


@dataclass(frozen=True)
class MixAlert:
    region: str
    alert: Alert
    movers: list[dict]          # [{category, share, expected_share, change_points}] largest first


def _region_matrix(daily: SeriesFamily, region: str) -> tuple[list[str], np.ndarray]:
    cols = [i for i, k in enumerate(daily.keys) if k["region"] == region]
    cats = [daily.keys[i]["abuse_category"] for i in cols]
    return cats, daily.values[:, cols]


def _movers(cats, shares_row, expected_share) -> list[dict]:
    change = shares_row - expected_share
    order = np.argsort(-np.abs(change))[:3]
    return [{"category": cats[i], "share": float(shares_row[i]), "expected_share": float(expected_share[i]),
             "change_points": float(100 * change[i])} for i in order]


def usual_mix(counts: np.ndarray) -> np.ndarray:
    """Each category's share of all the tickets in `counts[day, category]`, half a ticket added to
    each (so a category never seen before is rare, not impossible); sums to 1."""
    pooled = counts.sum(axis=0) + 0.5
    return pooled / pooled.sum()


def region_mix_alerts(daily: SeriesFamily, region: str, contamination: str | float = "auto",
                      min_points: float = 5.0, alpha: float = 1e-6) -> list[MixAlert]:
    cats, counts = _region_matrix(daily, region)
    totals = counts.sum(axis=1)
    usable = totals >= MIN_REGION_TICKETS_PER_DAY
    if usable.sum() < MIN_DAYS or len(cats) < 2:
        return []
    shares = np.where(totals[:, None] > 0, counts / np.maximum(totals[:, None], 1), 0.0)
    forest = IsolationForest(n_estimators=200, contamination=contamination, random_state=0)
    forest.fit(shares[usable])
    isolated = np.zeros(len(totals), dtype=bool)
    isolated[usable] = forest.predict(shares[usable]) == -1
    expected_share = usual_mix(counts[usable])
    expected_counts = totals[:, None] * expected_share
    chi2 = ((counts - expected_counts) ** 2 / np.maximum(expected_counts, 1e-6)).sum(axis=1)
    p_values = stats.chi2.sf(chi2, df=len(cats) - 1)
    big_move = np.abs(shares - expected_share).max(axis=1) * 100 >= min_points
    flagged = isolated & (p_values <= alpha) & big_move & usable
    out = []
    for first, last in alert_runs(flagged, gap=1):
        rows = np.arange(first, last + 1)
        peak = int(rows[np.argmin(p_values[rows])])
        movers = _movers(cats, shares[peak], expected_share)
        top = movers[0]
        alert = Alert(
            start=daily.index[first], end=daily.index[last], peak_at=daily.index[peak],
            peak_value=top["share"], peak_expected=top["expected_share"],
            observed=top["share"], expected=top["expected_share"],
            excess=top["share"] - top["expected_share"],
            rise_pct=(100 * (top["share"] / top["expected_share"] - 1)) if top["expected_share"] > 0 else np.inf,
            lower=np.nan, upper=np.nan, p_value=float(max(p_values[peak], 1e-300)),
            score=float(min(1.0, -np.log10(max(p_values[peak], 1e-300)) / 12)),
            severity="medium" if abs(top["change_points"]) < 10 else "high",
            direction="up" if top["change_points"] > 0 else "down",
            n_points=int(flagged[rows].sum()), is_open=(len(daily.index) - 1 - last) <= 1)
        out.append(MixAlert(region, alert, movers))
    return out


def mix_alerts(daily: SeriesFamily, settings: dict | None = None) -> list[MixAlert]:
    """IsolationForest mix alerts for every region of the category x region daily counts."""
    settings = settings or {}
    regions = sorted({k["region"] for k in daily.keys})
    out = []
    for region in regions:
        out.extend(region_mix_alerts(daily, region, settings.get("mix_contamination", "auto")))
    return out


def explain_mix(m: MixAlert) -> str:
    moves = "; ".join(f"{x['category']} {100 * x['share']:.1f}% vs {100 * x['expected_share']:.1f}% usual "
                      f"({x['change_points']:+.1f} pts)" for x in m.movers)
    a = m.alert
    return (f"{m.region} daily category mix unusual (IsolationForest over category shares, chi-square "
            f"p={a.p_value:.1e}) from {a.start:%Y-%m-%d} to {a.end:%Y-%m-%d}: {moves}. "
            f"Baseline: the region's usual mix, each category's share of all its tickets over the scanned "
            f"history.")
