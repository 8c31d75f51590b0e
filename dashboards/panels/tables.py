"""Small server-rendered tables: every data value is a text child, never HTML."""
from __future__ import annotations

import pandas as pd
from dash import html

from dashboards.formatting import format_value


def data_table(df: pd.DataFrame, columns: list[tuple[str, str, str]], cell_class=None,
               max_rows: int = 200) -> html.Table:
    """columns: (field, header, unit); unit '' shows the value as text, a callable formats it (a
    duration column's shared unit). cell_class(row, field) -> class."""
    head = html.Thead(html.Tr([html.Th(header) for _field, header, _unit in columns]))
    rows = []
    for row in df.head(max_rows).to_dict("records"):
        cells = []
        for field, _header, unit in columns:
            value = row.get(field)
            if callable(unit):
                text = unit(value)
            elif unit:
                text = format_value(value, unit)
            else:
                text = "" if value is None or value is pd.NaT else str(value)
            cls = cell_class(row, field) if cell_class else None
            cells.append(html.Td(text, className=cls or None))
        rows.append(html.Tr(cells))
    return html.Table([head, html.Tbody(rows)], className="data")
