"""Annotations (incidents, policy launches, vendor changes) as markers on the trend charts.

They live in the anomaly package's store beside the triage state (added on an anomaly page or
with `safetyops annotate`); a chart shows those starting inside its window that concern the
filtered categories and regions (or all of them).
"""
from __future__ import annotations

import pandas as pd

from dashboards.anomaly_data import annotations
from dashboards.auth.context import current_scope
from dashboards.filters import Filters
from core.config import Config

COLUMNS = ("at", "label", "kind")


def annotations_in_window(config: Config, filters: Filters) -> pd.DataFrame:
    """The markers for a chart; none for a vendor account (the ops calendar names other vendors'
    incidents and changes)."""
    frame = annotations(config) if current_scope().is_full else pd.DataFrame()
    if frame.empty:
        return pd.DataFrame(columns=list(COLUMNS))
    at = pd.to_datetime(frame["start_at"], utc=True, format="ISO8601")
    day = at.dt.date
    keep = pd.Series(True, index=frame.index)
    if filters.date_from:
        keep &= day >= filters.date_from
    if filters.date_to:
        keep &= day <= filters.date_to
    for column, wanted in (("abuse_category", filters.abuse_category), ("region", filters.region)):
        if wanted and column in frame.columns:
            keep &= frame[column].isna() | frame[column].isin(wanted)
    local = at.dt.tz_convert(config.reporting_timezone).dt.tz_localize(None)   # charts run in the reporting zone
    out = pd.DataFrame({"at": local, "label": frame["label"], "kind": frame["kind"]})
    return out[keep].reset_index(drop=True)
