"""Stopgap: plain read-only queries of the loader's bookkeeping (load_runs, rejected_rows).

These are facts about loads, not ticket metrics; they move to metrics/ when it offers a
data-health function. SQL lives in dashboards/sql/.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd

from pipelines.config import Config
from pipelines.warehouse import sql_text

LOAD_RUN_LIMIT = 200


def load_runs(con, config: Config, limit: int = LOAD_RUN_LIMIT) -> pd.DataFrame:
    return con.execute(sql_text("dashboards", "health_load_runs.sql"), {"limit": limit}).df()


def rejections_by_reason(con, config: Config) -> pd.DataFrame:
    return con.execute(sql_text("dashboards", "health_rejections.sql")).df()


def source_freshness(con, config: Config, now: dt.datetime) -> pd.DataFrame:
    return con.execute(sql_text("dashboards", "health_freshness.sql"), {"now": now}).df()


def rejected_sample(con, config: Config, limit: int = 100) -> pd.DataFrame:
    return con.execute(sql_text("dashboards", "health_rejected_sample.sql"), {"limit": limit}).df()
