"""The hour still filling: scanned against an expectation scaled by the share of it elapsed, so a
spike since 14:00 raises its alert at 14:40 instead of after 15:00; a normal partial hour is not a
"drop" nor a spike; too young an hour waits."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from anomaly.warehouse_detection import run_detection
from core.warehouse import writing
from tests.anomaly_fixtures import HOURS_PER_WEEK, insert_frame, tickets_frame, weekly_cycle_means

FILLING_HOUR = pd.Timestamp("2026-03-30 14:00")          # a Monday afternoon, after 4 weeks of history
SERIES = "abuse_category=spam|region=BR"


def _history() -> pd.DataFrame:
    index = pd.date_range("2026-03-02", periods=4 * HOURS_PER_WEEK + 14, freq="h")
    rng = np.random.default_rng(21)
    counts = pd.DataFrame({"bucket_at": index, "n": rng.poisson(weekly_cycle_means(index, 20.0)), "region": "BR"})
    return tickets_frame(counts, seed=21)


def _filling(minutes: int, times_normal: float) -> pd.DataFrame:
    """Tickets of the filling hour's first `minutes`, at `times_normal` the usual rate for that hour;
    the last one arrives at minute `minutes` (it sets how much of the hour has passed)."""
    mean = float(weekly_cycle_means(pd.DatetimeIndex([FILLING_HOUR]), 20.0)[0])
    n = int(round(mean * times_normal * minutes / 60))
    frame = tickets_frame(pd.DataFrame({"bucket_at": [FILLING_HOUR], "n": [n], "region": ["BR"]}), seed=22)
    seconds = np.linspace(0, minutes * 60, n)
    frame["created_at"] = (FILLING_HOUR + pd.to_timedelta(seconds, unit="s")).tz_localize("UTC")
    frame["updated_at"] = frame["created_at"]
    frame["ticket_id"] = [f"F{i}" for i in range(n)]
    return frame


def _alerts_at_filling_hour(config, minutes: int, times_normal: float) -> list[tuple]:
    with writing(config.db_path, fresh=True) as con:
        insert_frame(con, _history())
        insert_frame(con, _filling(minutes, times_normal))
        run_detection(con, config)
        rows = con.execute("SELECT start_at, end_at, observed, expected FROM anomalies "
                           "WHERE family = 'counts_hourly' AND series_key = ?", [SERIES]).fetchall()
    at = FILLING_HOUR.tz_localize("UTC")
    return [r for r in rows if pd.Timestamp(r[1]) == at]


@pytest.mark.parametrize("minutes, times_normal, alerted", [
    (40, 3.0, True),      # a spike since 14:00, seen at 14:40
    (30, 3.0, True),      # half an hour at 3x: only +50% on a whole hour, but it is half an hour
    (40, 1.0, False),     # a normal two-thirds of an hour is neither a spike nor a drop
    (45, 0.3, False),     # fewer tickets so far: counts alert upwards only
    (10, 5.0, False),     # only a sixth of the hour gone: it waits (filling_min_fraction 0.25)
])
def test_the_hour_still_filling_is_scanned_pro_rata(config, minutes, times_normal, alerted):
    found = _alerts_at_filling_hour(config, minutes, times_normal)
    assert bool(found) == alerted, found
    if alerted:
        (start, end, observed, expected), = found
        # the expectation is for the part of the hour that has passed, not the whole hour
        hour_mean = float(weekly_cycle_means(pd.DatetimeIndex([FILLING_HOUR]), 20.0)[0])
        assert expected < hour_mean * (minutes / 60 + 0.15)
        assert observed >= 2 * expected


def test_the_alert_page_marks_the_hour_in_progress(tmp_path):
    """The chart says the last hour is partial and that its expectation is scaled to it."""
    from dashboards.app import create_app
    from dashboards.callbacks.panels import render_graph
    from dashboards.state import current_state
    from tests.dashboard_fixtures import config_for

    cfg = config_for(tmp_path)
    with writing(cfg.db_path, fresh=True) as con:
        insert_frame(con, _history())
        insert_frame(con, _filling(40, 3.0))
        run_detection(con, cfg)
        (alert_id,) = [r[0] for r in con.execute(
            "SELECT anomaly_id FROM anomalies WHERE family = 'counts_hourly' AND series_key = ? AND end_at = ?",
            [SERIES, FILLING_HOUR.tz_localize("UTC")]).fetchall()]
    app = create_app(cfg)
    with app.server.app_context():
        fig = render_graph(current_state(), "anomaly-series", {"search": f"?anomaly={alert_id}"}, "light")
    notes = [a.text for a in fig.layout.annotations if a.text]
    assert any(n.startswith("hour in progress (67% elapsed") for n in notes), notes
