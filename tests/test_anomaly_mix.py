"""The category-mix check (anomaly/mix.py): a day's mix against the region's usual mix, the pooled
share of each category, so a rare category's odd ticket is not a shift in the mix."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from anomaly.mix import region_mix_alerts, usual_mix
from anomaly.series import SeriesFamily

CATEGORIES = ("harassment", "hateful_conduct", "impersonation", "other", "private_information", "spam")
SHARES = np.array([0.22, 0.12, 0.08, 0.003, 0.09, 0.487])


def test_the_usual_mix_is_each_categorys_pooled_share_with_half_a_ticket_added():
    counts = np.array([[2, 0, 1], [4, 0, 3]])
    assert usual_mix(counts) == pytest.approx(np.array([6.5, 0.5, 4.5]) / 11.5)
    assert usual_mix(counts).sum() == pytest.approx(1.0)


def _region(days: int, seed: int, shift_day: int | None = None) -> SeriesFamily:
    """One region's category x region daily counts: ~130 tickets a day drawn from one fixed mix in
    which `other` is 0.3% (no ticket on two days in three, so its median share is 0). With
    `shift_day`, harassment's share goes from 22% to 50% that day at the same volume."""
    rng = np.random.default_rng(seed)
    rows = []
    for day in range(days):
        shares = SHARES.copy()
        if day == shift_day:
            shares[0] *= 3.5
            shares /= shares.sum()
        rows.append(rng.multinomial(rng.poisson(130), shares))
    index = pd.date_range("2026-03-02", periods=days, freq="D")
    keys = [{"abuse_category": c, "region": "DE"} for c in CATEGORIES]
    return SeriesFamily("counts_daily", "inflow", "day", ("abuse_category", "region"), index, keys,
                        np.array(rows, dtype=float), "tickets")


def test_a_region_whose_mix_never_changes_raises_no_mix_alert():
    """Four months of the same mix, five draws: no alert (with each day's median share as the usual
    mix, 'other' was expected at 0 and its odd ticket made every noisy day an alert: 8-15 a draw)."""
    alerts = [a for seed in range(5) for a in region_mix_alerts(_region(120, seed), "DE")]
    assert alerts == []


def test_a_category_share_that_more_than_doubles_at_flat_volume_is_still_a_mix_alert():
    found = 0
    for seed in range(5):
        alerts = region_mix_alerts(_region(120, seed, shift_day=90), "DE")
        found += any(a.alert.start <= pd.Timestamp("2026-05-31") <= a.alert.end
                     and a.movers[0]["category"] == "harassment" for a in alerts)
    assert found >= 4
