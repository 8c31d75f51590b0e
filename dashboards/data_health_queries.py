"""The Data health page's reads, as `fn(con, config, ...)` for the page's cached reader.

The queries themselves are `pipelines.health`'s, shared with `safetyops status` and the report,
so the three agree; these named wrappers exist because the cache keys on the function's name.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd

from pipelines import health
from core.config import Config

LOAD_RUN_LIMIT = 200


def load_runs(con, config: Config, limit: int = LOAD_RUN_LIMIT) -> pd.DataFrame:
    return health.recent_load_runs(con, limit)


def rejections_by_reason(con, config: Config) -> pd.DataFrame:
    return health.rejections_by_reason(con)


def source_freshness(con, config: Config, now: dt.datetime) -> pd.DataFrame:
    return health.source_freshness(con, now)


def rejected_sample(con, config: Config, limit: int = 100) -> pd.DataFrame:
    return health.rejected_sample(con, limit)
