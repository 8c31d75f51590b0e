"""Annotations (incidents, policy launches, vendor changes) for the trend charts' markers.

They live in the anomaly package's store beside the triage state; this module only asks it for
the ones inside the charted window.
"""
from __future__ import annotations

import pandas as pd

from dashboards.filters import Filters
from pipelines.config import Config

COLUMNS = ("at", "label", "kind")


def annotations_in_window(config: Config, filters: Filters) -> pd.DataFrame:
    """Columns at (timestamp), label, kind; empty until the anomaly store provides annotations."""
    return pd.DataFrame(columns=list(COLUMNS))
