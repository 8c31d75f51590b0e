"""`warmup_daily_scale = "own"` (`warmup_daily_scale_hourly` at hourly steps, where it is the
default): the weekly model's band no longer carries the warm-up's residuals against the level alone
(a daily cycle, all of it residual) for the two weeks they stay in the window."""
import numpy as np

from anomaly.baseline import compute_baseline
from anomaly.settings import DetectorSettings

HOUR, DAYS = 3600, 40


def cycling_counts() -> np.ndarray:
    hours = np.arange(24 * DAYS)
    mean = 200 * (1 + 0.8 * np.sin(2 * np.pi * hours / 24))
    return np.random.default_rng(5).poisson(mean).astype(float)[:, None]


def scale_with(mode: str, history: np.ndarray) -> np.ndarray:
    settings = DetectorSettings().with_overrides({"warmup_daily_scale_hourly": mode})
    return compute_baseline(history, HOUR, settings, is_counts=True).bulk_scale[:, 0]


def test_weekly_model_band_narrower_until_warmup_residuals_leave_the_window():
    history = cycling_counts()
    split, own = scale_with("split", history), scale_with("own", history)
    days_17_to_20 = slice(24 * 17, 24 * 21)
    assert np.median(own[days_17_to_20]) < 0.5 * np.median(split[days_17_to_20])
    # The weekly model's verdicts start on day 16 and the scale window is 14 days: from day 31 on
    # both read the same residuals.
    after = slice(24 * 31, 24 * DAYS)
    np.testing.assert_allclose(own[after], split[after])


def test_level_series_keep_the_split_scale():
    history = cycling_counts()
    settings = {mode: DetectorSettings().with_overrides({"warmup_daily_scale_hourly": mode}) for mode in ("split", "own")}
    scales = {m: compute_baseline(history, HOUR, s, is_counts=False).scale[:, 0] for m, s in settings.items()}
    np.testing.assert_array_equal(scales["own"], scales["split"])
