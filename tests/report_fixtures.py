"""A report-ready warehouse: the committed small sample plus hostile names, marts and detection."""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from core.config import load_config
from pipelines.ingest import ingest_file
from core.warehouse import writing
from tests.refresh_fixtures import REPO, ticket_row, write_csv

SAMPLE = REPO / "sample_data" / "small" / "tickets_canonical.csv"
WEEK = "2026-W25"                      # 2026-06-15 .. 2026-06-21, inside the sample's 60 days
HOSTILE_VENDOR = '<script>alert("vendor")</script>'
HOSTILE_REGION = "<img src=x onerror=alert(1)>"
HOSTILE_QUEUE = "<script>alert('queue')</script>"


def hostile_rows() -> list[dict]:
    start = dt.datetime(2026, 6, 16, 9, tzinfo=dt.timezone.utc)
    return [ticket_row(i, start + dt.timedelta(hours=i), prefix="X", vendor=HOSTILE_VENDOR,
                       region=HOSTILE_REGION, queue=HOSTILE_QUEUE, tags="<b>x</b>|y") for i in range(1, 13)]


def build_report_warehouse(root: Path, detect: bool = True):
    """Config + warehouse under `root` holding the sample and 12 tickets with HTML in their names."""
    root.mkdir(parents=True, exist_ok=True)
    cfg_file = root / "safetyops.toml"
    cfg_file.write_text('[warehouse]\npath = "wh.duckdb"\n[privacy]\nhash_key = "k"\n'
                        '[metrics.targets]\nsla_frt_attainment = 0.9\n', encoding="utf-8")
    config = load_config(cfg_file)
    hostile = write_csv(root / "hostile.csv", hostile_rows())
    with writing(config.db_path) as con:
        ingest_file(con, SAMPLE, config)
        ingest_file(con, hostile, config)
        from metrics.marts import build_marts
        build_marts(con, config)
        if detect:
            from anomaly.warehouse_detection import run_detection
            run_detection(con, config)
    return config


_PLOTLY_BLOCK = None


def without_plotly_js(html: str) -> str:
    """The report minus the inlined plotly.js bundle (whose source mentions URLs in comments)."""
    global _PLOTLY_BLOCK
    if _PLOTLY_BLOCK is None:
        from plotly.offline import get_plotlyjs
        _PLOTLY_BLOCK = get_plotlyjs()
    assert html.count(_PLOTLY_BLOCK) == 1, "plotly.js must be inlined exactly once"
    return html.replace(_PLOTLY_BLOCK, "")


NETWORK_REFERENCE = re.compile(
    r"""<script[^>]*\ssrc\s*=|<link[^>]*\shref\s*=\s*["']?(?:https?:)?//|<img[^>]*\ssrc\s*=\s*["']?(?:https?:)?//|"""
    r"""url\(\s*["']?(?:https?:)?//|@import|<iframe|<object|<embed|https?://""",
    re.IGNORECASE)
