"""The anomaly chart's expected band: one closed shape per run of known bounds, none across gaps."""
from __future__ import annotations

import math

import pandas as pd
import pytest

from dashboards.figures import band_trace

NAN = math.nan


def _shapes(trace) -> list[list[tuple]]:
    shapes, current = [], []
    for x, y in zip(trace.x, trace.y):
        if x is None:
            shapes.append(current)
            current = []
        else:
            current.append((x, y))
    assert current == [], "every shape ends with a separator"
    return shapes


@pytest.mark.parametrize("lower, upper, runs", [
    ([1, 1, 1, 1], [3, 3, 3, 3], [[0, 1, 2, 3]]),
    ([1, NAN, 1, 1], [3, NAN, 3, 3], [[0], [2, 3]]),
    ([NAN, 1, 1, NAN], [NAN, 3, 4, NAN], [[1, 2]]),
    ([1, 1, NAN, NAN, 1], [2, 2, 2, NAN, 2], [[0, 1], [4]]),     # a bound missing on one side is a gap
    ([NAN, NAN], [NAN, NAN], []),
])
def test_the_band_has_one_closed_shape_per_run_of_known_bounds(lower, upper, runs):
    x = pd.Series(pd.date_range("2026-03-01", periods=len(lower), freq="h"))
    trace = band_trace(x, pd.Series(lower, dtype=float), pd.Series(upper, dtype=float), name="band")
    shapes = _shapes(trace)
    assert len(shapes) == len(runs)
    for shape, run in zip(shapes, runs):
        along_upper = [(x[i], upper[i]) for i in run]
        back_along_lower = [(x[i], lower[i]) for i in reversed(run)]
        assert shape == along_upper + back_along_lower + [along_upper[0]]
    assert trace.fill == "toself"
