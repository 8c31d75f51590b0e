"""Invariants of the detector on arbitrary series (hypothesis)."""
from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from anomaly.detector import detect_series
from anomaly.settings import DetectorSettings

STEPS = ["5min", "15min", "h", "D"]


@st.composite
def series(draw):
    n = draw(st.integers(min_value=2, max_value=400))
    step = draw(st.sampled_from(STEPS))
    counts = draw(st.booleans())
    if counts:
        values = draw(st.lists(st.integers(min_value=0, max_value=5000), min_size=n, max_size=n))
    else:
        values = draw(st.lists(st.floats(min_value=-1e6, max_value=1e6, allow_nan=False), min_size=n, max_size=n))
    arr = np.array(values, dtype=float)
    holes = draw(st.lists(st.integers(min_value=0, max_value=n - 1), max_size=5))
    arr[holes] = np.nan
    index = pd.date_range("2026-01-01", periods=n, freq=step)
    return pd.Series(arr, index=index)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(series(), st.sampled_from(["up", "down", "both"]))
def test_detector_invariants(s, direction):
    out = detect_series(s, DetectorSettings(direction=direction))
    assert len(out) == len(s)
    assert out.index.equals(s.index)
    assert ((out["score"] >= 0) & (out["score"] <= 1)).all()
    assert out["is_anomaly"].dtype == bool
    band = out.dropna(subset=["expected", "lower", "upper"])
    tol = 1e-9 * (1 + band["expected"].abs())
    assert (band["lower"] <= band["expected"] + tol).all()
    assert (band["expected"] <= band["upper"] + tol).all()
    # No verdict without a value or a baseline.
    assert not out.loc[out["value"].isna() | out["expected"].isna(), "is_anomaly"].any()
    if direction == "up":
        assert (out.loc[out["is_anomaly"], "value"] > out.loc[out["is_anomaly"], "expected"]).all()
