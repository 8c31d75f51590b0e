"""Numbers as spreadsheets write them: the decimal comma of European Excel (12,5 and 1.234,5) and
the thousands separators of a formatted cell ("1,234.5"). The ingest reads a file's numbers in SQL
with these patterns (pipelines/field_expressions.number), `detect-csv` in Python (`as_float`); both
take the format from a sample of the file's cells (`number_format_of`).
"""
from __future__ import annotations

import re
from typing import Iterable

# A comma fraction that cannot be a thousands group (12,5  0,25  1234,5); a point fraction.
_FRACTION_COMMA = re.compile(r"[+-]?(\d+,(\d{1,2}|\d{4,})|\d{4,},\d+|0,\d+)")
_FRACTION_POINT = re.compile(r"[+-]?\d+\.\d+")
_ONE_GROUP_COMMA = re.compile(r"[+-]?\d{1,3},\d{3}")    # 1,234: a thousand, or 1.234 with a decimal comma
GROUPED_POINT = r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?"     # 1,234.5 (field_expressions.number reads these in SQL)
GROUPED_COMMA = r"[+-]?\d{1,3}(\.\d{3})+(,\d+)?"     # 1.234,5
PLAIN_COMMA = r"[+-]?\d+(,\d+)?"                       # 12,5
_GROUPED_POINT, _GROUPED_COMMA, _PLAIN_COMMA = (re.compile(p) for p in (GROUPED_POINT, GROUPED_COMMA, PLAIN_COMMA))
# What exports write for "no value": blank, R/pandas, SQL, Excel's #N/A, and the dash of monitoring
# tools, spreadsheets and help-desk views. A missing value is not a zero.
MISSING_VALUES = frozenset({"", "na", "n/a", "#n/a", "nan", "null", "(null)", "none", "-", "--"})


def is_missing_value(cell: str) -> bool:
    return cell.strip().lower() in MISSING_VALUES


def number_format_of(cells: Iterable[str], delimiter: str) -> tuple[str, bool]:
    """The decimal mark is "," when more cells write a fraction with a comma (12,5) than with a
    point, as Excel does where the comma is the decimal separator; such files are never
    comma-separated. A cell like 1,234 is not counted as a fraction: it reads as a thousand and
    more in other locales, except in a ';' file where no cell says otherwise: Excel writes ';' only
    where the comma is the decimal mark, and thousands there are 1.234 or 1 234, never 1,234."""
    comma = point = grouped_point = grouped_comma = one_group = 0
    for cell in cells:
        cell = cell.strip()
        if not cell or not cell[-1].isdigit():
            continue
        comma += bool(_FRACTION_COMMA.fullmatch(cell))
        point += bool(_FRACTION_POINT.fullmatch(cell))
        grouped_point += bool(_GROUPED_POINT.fullmatch(cell))
        grouped_comma += bool(_GROUPED_COMMA.fullmatch(cell))
        one_group += bool(_ONE_GROUP_COMMA.fullmatch(cell))
    if delimiter == ";" and comma == point == 0 and one_group and grouped_point == one_group:
        return ",", grouped_comma > 0
    if delimiter != "," and comma > point:
        return ",", grouped_comma > 0
    return ".", grouped_point > 0


def as_float(text: str, decimal_mark: str) -> float:
    """A cell as a Python float, read as field_expressions.number reads it in SQL; ValueError
    where it is no number."""
    cell = text.strip()
    if decimal_mark == ",":
        if _GROUPED_COMMA.fullmatch(cell) or _PLAIN_COMMA.fullmatch(cell):
            return float(cell.replace(".", "").replace(",", "."))
    elif _GROUPED_POINT.fullmatch(cell):
        return float(cell.replace(",", ""))
    return float(cell)
