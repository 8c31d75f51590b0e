"""One colour per abuse category, on every page and in the weekly report.

The default taxonomy gets fixed, distinguishable colours; a category added in the config gets a
colour derived from its name, so it is stable across runs and processes without a shared table.
"""
from __future__ import annotations

import hashlib

CATEGORY_COLORS: dict[str, str] = {
    "hateful_conduct": "#d62728",
    "violent_threats": "#8c1c13",
    "harassment": "#ff7f0e",
    "child_safety": "#9467bd",
    "private_information": "#1f77b4",
    "sensitive_media": "#e377c2",
    "self_harm": "#17becf",
    "impersonation": "#bcbd22",
    "spam": "#2ca02c",
    "violent_extremism": "#543005",
    "other": "#7f7f7f",
}

# Spare colours for configured categories beyond the default taxonomy.
_EXTRA_PALETTE = ("#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173", "#3182bd", "#e6550d",
                  "#31a354", "#756bb1", "#636363", "#fd8d3c", "#74c476")



def category_color(category: str) -> str:
    if category in CATEGORY_COLORS:
        return CATEGORY_COLORS[category]
    digest = hashlib.sha256(category.encode("utf-8")).digest()
    return _EXTRA_PALETTE[digest[0] % len(_EXTRA_PALETTE)]

