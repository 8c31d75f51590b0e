"""The daily level restarted after a confirmed level shift (variant of issue 16i, off by default)."""
import numpy as np

from anomaly.clean_baseline import level_restart
from anomaly.rolling import _past_mean_count
from anomaly.settings import DetectorSettings


def test_window_starts_no_earlier_than_first():
    a = np.arange(1.0, 11.0)[:, None]                 # 1 .. 10
    first = np.full((10, 1), -1)
    first[8] = 5
    mean, count = _past_mean_count(a, 4, 1, first)
    assert mean[8, 0] == (6 + 7 + 8) / 3 and count[8, 0] == 3   # rows 5..7 (not 4..7)
    assert mean[9, 0] == (6 + 7 + 8 + 9) / 4                   # rows 5..8: unrestricted


def test_restart_rows_and_restored_history():
    s = DetectorSettings(shift_restart_days=5, daily_level_long_days=56.0)
    history = np.full((100, 1), 200.0)
    cleaned = np.full((100, 1), 100.0)                 # the run's days replaced by the old level
    confirmed = np.zeros((100, 1), dtype=bool)
    confirmed[14] = True                              # days 10..14 on one side: a shift from row 10
    restored, first = level_restart(history, cleaned, confirmed, s)
    assert (restored[10:15, 0] == 200).all() and restored[9, 0] == 100 and restored[15, 0] == 100
    assert (first[:15, 0] == -1).all()                # the run's own rows keep the ordinary level
    assert first[15, 0] == 10 and first[80, 0] == 10    # 56 + 14 days on: the old level's last trace
    assert first[81, 0] == -1                         # out of every window: the ordinary level again
