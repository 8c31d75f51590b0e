"""Durations written as a clock: "1:30:00", "26:03", "-0:05:00" (HubSpot's "Time to first agent
reply (HH:mm:ss)", a spreadsheet's [h]:mm:ss cell, a workbook's duration cell as core/workbooks.py
writes it). A field in minutes, hours or seconds reads them as that many of its unit; h:mm is hours
and minutes. The test costs a little on every cell, so a load applies it only to the duration
columns whose sampled values hold a clock (a CSV's first MiB, csv_dialect.sample_text)."""
from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from pipelines.csv_dialect import CsvDialect, sample_text

CLOCK = re.compile(r"-?\d+:[0-5]?\d(:[0-5]?\d(\.\d+)?)?")
SQL_CLOCK_PATTERN = r"\s*-?\d+:[0-5]?\d(:[0-5]?\d(\.\d+)?)?\s*"
UNIT_SECONDS = {"seconds": 1, "minutes": 60, "hours": 3600}
DURATION_FIELDS = tuple(f"{what}_{unit}" for what in ("first_response", "resolution") for unit in UNIT_SECONDS)


def clock_columns(path: Path, dialect: CsvDialect, columns: set[str]) -> set[str]:
    """Those of `columns` where a sampled value is written as a clock."""
    if not columns:
        return set()
    text, cut = sample_text(path, dialect)
    if cut:
        text = text[:text.rfind("\n") + 1]
    reader = csv.reader(io.StringIO(text), delimiter=dialect.delimiter)
    try:
        header = next(reader, [])
        at = {i: name for i, name in enumerate(header) if name in columns}
        found = set()
        for record in reader:
            for i, name in at.items():
                if i < len(record) and CLOCK.fullmatch(record[i].strip()):
                    found.add(name)
            if len(found) == len(at):
                break
    except csv.Error:
        pass
    return found


def clock_or_number(raw: str, unit: str, number_sql: str, pattern_param: str) -> str:
    """SQL: the cell as a number of `unit`, read from a clock where it holds one (NULL when it is
    neither, which the load rejects as unparseable). `pattern_param` is the bound SQL_CLOCK_PATTERN."""
    parts = f"string_split(trim({raw}), ':')"
    seconds = (f"(abs(TRY_CAST({parts}[1] AS DOUBLE)) * 3600 + TRY_CAST({parts}[2] AS DOUBLE) * 60 "
               f"+ coalesce(TRY_CAST({parts}[3] AS DOUBLE), 0))")
    sign = f"(CASE WHEN starts_with(trim({raw}), '-') THEN -1 ELSE 1 END)"
    return (f"CASE WHEN contains({raw}, ':') THEN CASE WHEN regexp_full_match({raw}, {pattern_param}) "
            f"THEN {sign} * {seconds} / {UNIT_SECONDS[unit]} END ELSE {number_sql} END")

