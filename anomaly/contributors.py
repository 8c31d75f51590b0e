"""Drill-down: which values of the other dimensions drive an alert's excess (ThirdEye-style).

For the flagged series and window, each value of a dimension (language, vendor, queue, channel,
priority, tags) is compared with its own expectation: the median of its counts in the same window
1-4 weeks earlier. Its contribution is its excess divided by the total excess of that dimension;
values under `min_share` of the change are dropped.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from anomaly.series import SERIES_DIMENSIONS
from core.sql_files import sql_text

CONTRIBUTOR_DIMENSIONS = ("language", "vendor", "queue", "channel", "priority", "region",
                          "abuse_category", "tags")
DEFAULT_MIN_SHARE = 0.05
TOP_PER_DIMENSION = 5


@dataclass(frozen=True)
class Contributor:
    dimension: str
    value: str
    observed: int
    expected: float
    excess: float
    share_of_excess: float   # of the dimension's total excess

    def to_dict(self) -> dict:
        return asdict(self)


def _dim_expr(dim: str) -> str:
    if dim == "tags":
        return "unnest(tags)"
    if dim not in SERIES_DIMENSIONS:
        raise ValueError(f"unknown contributor dimension {dim!r}")
    return dim


def _series_filter(key: dict) -> tuple[str, dict]:
    parts, params = [], {}
    for i, (dim, value) in enumerate(key.items()):
        if dim not in SERIES_DIMENSIONS:
            raise ValueError(f"unknown series dimension {dim!r}")
        parts.append(f"{dim} = $v{i}")
        params[f"v{i}"] = value
    return " AND ".join(parts) or "TRUE", params


def rank_dimension(con, key: dict, dim: str, start_at, end_at, min_share: float) -> list[Contributor]:
    where, params = _series_filter(key)
    sql = sql_text("anomaly", "contributors.sql").format(dim=dim, dim_expr=_dim_expr(dim), series_filter=where)
    frame = con.execute(sql, {**params, "start_at": start_at, "end_at": end_at}).df()
    if frame.empty:
        return []
    weeks = frame[["n_week_1", "n_week_2", "n_week_3", "n_week_4"]].to_numpy(dtype=float)
    expected = np.median(weeks, axis=1)
    observed = frame["n_window"].to_numpy(dtype=float)
    excess = observed - expected
    total = excess.sum()
    if abs(total) < 1e-9:
        return []
    share = excess / total
    order = np.argsort(-share)
    out = []
    for i in order:
        if share[i] < min_share:
            continue
        out.append(Contributor(dim, str(frame["value"].iloc[i]), int(observed[i]), float(expected[i]),
                               float(excess[i]), float(share[i])))
    return out[:TOP_PER_DIMENSION]


def contributors(con, key: dict, start_at: pd.Timestamp, end_at: pd.Timestamp,
                 min_share: float = DEFAULT_MIN_SHARE) -> list[Contributor]:
    """Ranked contributors over every dimension not fixed by the series key; [start_at, end_at) UTC."""
    out: list[Contributor] = []
    for dim in CONTRIBUTOR_DIMENSIONS:
        if dim in key:
            continue
        out.extend(rank_dimension(con, key, dim, start_at, end_at, min_share))
    return sorted(out, key=lambda c: -c.share_of_excess)
