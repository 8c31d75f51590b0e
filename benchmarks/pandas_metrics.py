"""The pandas code an analyst would write for four `metrics show` questions, as a module (the
warm in-process comparison imports it) and as a command (the whole-command comparison runs it):

    python benchmarks/pandas_metrics.py TICKETS.parquet METRIC [TIMEZONE] > out.csv

METRIC: inflow | frt_p90 | sla_frt_attainment (each by day x region x abuse_category) |
backlog_region (backlog by day x region). Same definitions as metrics/sql (SLA targets: defaults).
"""
from __future__ import annotations

import sys

import numpy as np
import pandas as pd

COLUMNS = ["created_at", "first_response_at", "resolved_at", "priority", "region", "abuse_category"]
SLA_MINUTES = {"urgent": 60, "high": 240, "normal": 1440, "low": 4320}


def read(parquet: str) -> pd.DataFrame:
    return pd.read_parquet(parquet, columns=COLUMNS)


def local_day(s: pd.Series, tz: str) -> pd.Series:
    return s.dt.tz_convert(tz).dt.tz_localize(None).dt.floor("D")


def inflow(df: pd.DataFrame, tz: str) -> pd.Series:
    return df.groupby([local_day(df["created_at"], tz), df["region"], df["abuse_category"]]).size()


def frt_p90(df: pd.DataFrame, tz: str) -> pd.Series:
    frt = (df["first_response_at"] - df["created_at"]).dt.total_seconds() / 60
    return frt.groupby([local_day(df["created_at"], tz), df["region"], df["abuse_category"]]).quantile(0.9)


def sla_frt_attainment(df: pd.DataFrame, tz: str) -> pd.Series:
    as_of = df[["created_at", "first_response_at", "resolved_at"]].max().max()
    target = df["created_at"] + pd.to_timedelta(df["priority"].map(SLA_MINUTES), unit="m")
    answered = df["first_response_at"].notna()
    frame = pd.DataFrame({"decided": answered | (target < as_of),
                          "met": answered & (df["first_response_at"] <= target)})
    g = frame.groupby([local_day(df["created_at"], tz), df["region"], df["abuse_category"]]).sum()
    return g["met"] / g["decided"].replace(0, np.nan)


def backlog_region(df: pd.DataFrame, tz: str) -> pd.DataFrame:
    created = pd.DataFrame({"day": local_day(df["created_at"], tz), "delta": 1, "region": df["region"]})
    done = df["resolved_at"].notna()
    resolved = pd.DataFrame({"day": local_day(df.loc[done, "resolved_at"], tz), "delta": -1,
                             "region": df.loc[done, "region"]})
    events = pd.concat([created, resolved]).groupby(["day", "region"])["delta"].sum()
    return events.unstack("region", fill_value=0).sort_index().cumsum()


CASES = {"inflow": inflow, "frt_p90": frt_p90, "sla_frt_attainment": sla_frt_attainment,
         "backlog_region": backlog_region}


if __name__ == "__main__":
    parquet, metric = sys.argv[1], sys.argv[2]
    tz = sys.argv[3] if len(sys.argv) > 3 else "UTC"
    CASES[metric](read(parquet), tz).to_csv(sys.stdout)
