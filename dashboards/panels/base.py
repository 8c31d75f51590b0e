"""A panel = one chart or table on a page: how to load its data, how to draw it, its CSV.

Pages list panel names; generic callbacks (dashboards/callbacks/panels.py) draw any panel, export
its data as CSV and drill from its points. The data a chart shows and the CSV it downloads come
from the same `load` function, so they cannot disagree.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import pandas as pd

from dashboards.data_access import DataAccess
from dashboards.filters import Filters
from core.config import Config


@dataclass(frozen=True)
class PanelContext:
    data: DataAccess
    config: Config
    filters: Filters            # dates resolved to the concrete window
    params: dict = field(default_factory=dict)   # the page's own URL keys (e.g. by=vendor)
    theme: str = "light"
    # What read_all already fetched for this request, by (name, repr(args)): a panel's load reads
    # everything it will need at once, and its render reads the same calls again from here.
    fetched: dict = field(default_factory=dict, compare=False, repr=False)

    def read(self, name: str, *args):
        """The named read (dashboards/reads.py) for this request."""
        key = _fetched_key(name, args)
        if key in self.fetched:
            return self.fetched[key]
        return self.data.read(name, *args)

    def read_all(self, calls: list[tuple[str, tuple]]) -> list:
        """Several reads at once (DataAccess.read_all); later reads of the same calls reuse them."""
        keys = [_fetched_key(fn, args) for fn, args in calls]
        missing = [(call, key) for call, key in zip(calls, keys) if key not in self.fetched]
        results = self.data.read_all([call for call, _ in missing])
        self.fetched.update({key: result for (_, key), result in zip(missing, results)})
        return [self.fetched[key] for key in keys]


def _fetched_key(name: str, args) -> tuple:
    return name, repr(tuple(args))


def no_tickets(df: pd.DataFrame) -> bool:
    """Empty, or a dense calendar of zero-count periods (the metrics layer fills empty periods)."""
    if df is None or df.empty:
        return True
    if "n" in df.columns:
        return float(pd.to_numeric(df["n"], errors="coerce").fillna(0).sum()) == 0
    return False


@dataclass(frozen=True)
class Panel:
    name: str
    title: str
    load: Callable[[PanelContext], pd.DataFrame]
    render: Callable[[pd.DataFrame, PanelContext], Any]
    kind: str = "graph"              # "graph" -> dcc.Graph figure; "block" -> html children
    is_empty: Callable[[pd.DataFrame], bool] = no_tickets
    trend: bool = False              # a time axis: annotations are drawn on it
    height: int = 340
    note: str = ""                   # one line under the title saying what is counted
    empty_text: str = "No tickets match these filters"
    cacheable: bool = True           # False when the drawing depends on the clock


PANELS: dict[str, Panel] = {}


def register(panel: Panel) -> Panel:
    PANELS[panel.name] = panel
    return panel


def get_panel(name: str) -> Panel:
    return PANELS[name]
