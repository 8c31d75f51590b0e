"""Naive export timestamps read in UTC take a shortcut past the time-zone conversion
(pipelines/field_expressions.py): it must give the very instant the conversion gives, NULL for
NULL, for every value DuckDB parses, including microseconds and dates before 1970."""
from __future__ import annotations

from datetime import datetime, timezone

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.sql_files import bound_params
from pipelines.field_expressions import Params, TimestampParser
from pipelines.mapping import Mapping


def _parser(timestamps: str, zone: str | None) -> tuple[str, dict]:
    mapping = Mapping(name="t", origin="test", timestamps=timestamps)
    p = Params()
    expr = TimestampParser(mapping, zone, p).parse("$value")
    return expr, p.values


def _evaluate(expr: str, params: dict, value: str | None):
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    sql = f"SELECT {expr}"
    return con.execute(sql, bound_params(sql, params | {"value": value})).fetchall()[0][0]


TEXT = st.one_of(
    st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2100, 12, 31)).map(
        lambda d: d.strftime("%Y-%m-%d %H:%M:%S.%f")),
    st.datetimes(min_value=datetime(1960, 1, 1), max_value=datetime(2040, 1, 1)).map(
        lambda d: d.strftime("%Y-%m-%d %H:%M:%S")),
    st.sampled_from(["", "not a date", "2026-02-30 10:00:00", "2026-03-29 02:30:00", "2026-11-01 01:30:00"]),
    st.none(),
)


@settings(max_examples=150, deadline=None)
@given(TEXT, st.sampled_from(["naive", "utc"]))
def test_utc_shortcut_is_the_same_instant_as_the_zone_conversion(value, kind):
    shortcut, params = _parser(kind, "UTC")
    assert "make_timestamptz" in shortcut
    converted = "timezone('UTC', TRY_CAST($value AS TIMESTAMP))"
    assert _evaluate(shortcut, params, value) == _evaluate(converted, {}, value)


def test_other_zones_still_convert_with_daylight_saving():
    expr, params = _parser("naive", "Europe/Berlin")
    assert "make_timestamptz" not in expr
    assert _evaluate(expr, params, "2026-07-01 12:00:00") == datetime(2026, 7, 1, 10, tzinfo=timezone.utc)
    assert _evaluate(expr, params, "2026-01-15 12:00:00") == datetime(2026, 1, 15, 11, tzinfo=timezone.utc)


@pytest.mark.parametrize("value, instant", [
    ("2026-11-02T09:05:00Z", datetime(2026, 11, 2, 9, 5, tzinfo=timezone.utc)),
    ("2026-11-02 09:05:00+02:00", datetime(2026, 11, 2, 7, 5, tzinfo=timezone.utc)),
    ("2026-11-02 09:05:00 UTC", datetime(2026, 11, 2, 9, 5, tzinfo=timezone.utc)),     # as Intercom writes it
    ("2026-11-02 09:05:00 GMT", datetime(2026, 11, 2, 9, 5, tzinfo=timezone.utc)),
    ("2026-11-02 09:05:00", None),                 # a bare local time is no instant in "offset" mode
    ("2026-11-02 09:05:00 CET", None),             # a zone abbreviation names no single offset
])
def test_offset_timestamps_read_an_explicit_offset_or_utc_and_nothing_else(value, instant):
    expr, params = _parser("offset", None)
    assert _evaluate(expr, params, value) == instant
