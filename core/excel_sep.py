"""Excel's `sep=;` first line: Excel reads it as "the delimiter is ;" and writes it back when asked
to, so a CSV may open with it and have its header on the next line. Read the same way by the
ingest (pipelines/csv_dialect.py) and by `detect-csv` (anomaly/series_text.py)."""
from __future__ import annotations

import re

_SEP_LINE = re.compile(r"sep=(.)(\r?\n|$)", re.IGNORECASE)


def split_sep_line(text: str) -> tuple[str | None, str]:
    """The delimiter a `sep=` line at the start of `text` names, and the text after that line;
    (None, text) when it has none."""
    match = _SEP_LINE.match(text)
    return (match.group(1), text[match.end():]) if match else (None, text)
