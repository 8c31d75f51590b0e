"""Numbers as spreadsheets write them: the decimal comma of European Excel exports (with ';'),
thousands separators, and the detection of which a file uses."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.warehouse import connect_memory
from pipelines import csv_dialect
from pipelines.field_expressions import Params, number
from tests.ingest_fixtures import CANONICAL_COLUMNS, ZENDESK_COLUMNS, canonical_row, load, one, zendesk_row
from tests.test_csv_dialect import csv_text


def parse(cells: list[str | None], decimal_mark: str, sql_type: str = "DOUBLE", grouped: bool = True) -> list:
    p = Params()
    expr = number("cell", sql_type, p, decimal_mark, grouped)
    con = connect_memory()
    con.execute("CREATE TABLE cells AS SELECT unnest($cells) AS cell, generate_subscripts($cells, 1) AS i",
                {"cells": cells})
    return [v for (v,) in con.execute(f"SELECT {expr} FROM cells ORDER BY i", p.values).fetchall()]


@pytest.mark.parametrize("cell, decimal_mark, expected", [
    ("12,5", ",", 12.5),
    ("-0,25", ",", -0.25),
    ("1.234,5", ",", 1234.5),
    ("1.234", ",", 1234.0),            # a thousand and more where the comma is the decimal mark
    ("1.234.567", ",", 1234567.0),
    ("16.5", ",", 16.5),               # not a grouping: read as written
    (" 7 ", ",", 7.0),
    ("12,5", ".", None),               # no decimal comma in a point file
    ("1,234", ".", 1234.0),            # Excel's formatted number
    ("1,234,567.25", ".", 1234567.25),
    ("-1,234.5", ".", -1234.5),
    ("12.5", ".", 12.5),
    (" 42 ", ".", 42.0),
    ("1,23", ".", None),               # not a thousands group
    ("12,5,1", ",", None),
    ("abc", ",", None),
    ("", ".", None),
    (None, ",", None),
])
def test_a_cell_reads_as_the_number_its_spreadsheet_meant(cell, decimal_mark, expected):
    assert parse([cell], decimal_mark) == [expected]


def test_integer_fields_read_grouped_counts():
    assert parse(["1.002", "3", "x"], ",", "INTEGER") == [1002, 3, None]


def test_a_file_without_separators_in_its_sample_keeps_the_bare_cast():
    assert parse(["1,234", "12.5", "7"], ".", grouped=False) == [None, 12.5, 7.0]


@settings(max_examples=80, deadline=None)
@given(st.decimals(min_value=-10**9, max_value=10**9, places=2, allow_nan=False, allow_infinity=False),
       st.booleans())
def test_european_and_english_excel_spellings_round_trip(value, grouped):
    english = f"{value:,.2f}" if grouped else f"{value:.2f}"
    european = english.replace(",", "_").replace(".", ",").replace("_", ".")
    assert parse([english], ".") == [float(value)]
    assert parse([european], ",") == [float(value)]


@pytest.mark.parametrize("records, delimiter, expected", [
    ([["id", "score"], ["1", "12,5"], ["2", "3,25"]], ";", (",", False)),
    ([["id", "score"], ["1", "12,5"], ["2", "1.203,25"]], ";", (",", True)),
    ([["id", "score"], ["1", "12.5"], ["2", "3.25"]], ";", (".", False)),
    ([["id", "score"], ["1", "1,234"], ["2", "2,000"]], "\t", (".", True)),   # thousands groups, not fractions
    ([["id", "score"], ["1", "1,234"], ["2", "2,000"]], ";", (",", False)),    # ... but decimal commas in a ';' file
    ([["id", "score"], ["1", "1,234"], ["2", "1.234,5"]], ";", (",", True)),
    ([["id", "score"], ["1", "1,234"], ["2", "1,234,567"]], ";", (".", True)),  # two groups: thousands after all
    ([["id", "score"], ["1", "1,234"], ["2", "7.5"]], ";", (".", True)),        # a point fraction says so too
    ([["id", "score"], ["1", "0,5"], ["2", "1234,5"]], "\t", (",", False)),
    ([["id", "score"], ["1", "12,5"]], ",", (".", False)),               # a comma file cannot use it unquoted
    ([["id", "score"], ["1", "1,250.5"]], ",", (".", True)),             # ... but quotes Excel's formatted cell
    ([["id", "when"], ["1", "2026-03-02 10:00:00"], ["2", "01.05.2026"]], ";", (".", False)),
    ([["id", "name"], ["1", "Ana"], ["2", "Bo"]], ";", (".", False)),
])
def test_the_number_format_is_detected_from_the_sampled_cells(records, delimiter, expected):
    text = csv_text(records[0], records[1:], delimiter=delimiter)
    assert csv_dialect.detect_number_format(text, delimiter) == expected


def test_a_european_excel_zendesk_export_with_decimal_commas_loads_its_figures(tmp_path, memory_con, config):
    rows = [zendesk_row(Id="1", **{"First reply time in minutes": "12,5", "QA score [int]": "87,5"}),
            zendesk_row(Id="2", **{"First reply time in minutes": "1.440", "QA score [int]": "90"})]
    path = tmp_path / "z.csv"
    path.write_bytes(csv_text(ZENDESK_COLUMNS, rows, delimiter=";").encode("cp1252"))
    result = load(memory_con, path, config, timezone_name="UTC")
    assert (result.rows_loaded, result.rows_rejected) == (2, 0)
    assert result.dialect == ("encoding utf-8 (detected), delimiter semicolon (detected), decimal comma (detected), "
                              "thousands separators (detected)")
    rows = memory_con.execute("SELECT ticket_id, epoch(first_response_at - created_at) / 60, qa_score "
                              "FROM tickets ORDER BY ticket_id").fetchall()
    assert rows == [("1", 12.5, 87.5), ("2", 1440.0, 90.0)]


def test_a_comma_file_keeps_reading_points_and_takes_excel_grouping(tmp_path, memory_con, config):
    rows = [zendesk_row(Id="1", **{"First reply time in minutes": "1,250.5"}),
            zendesk_row(Id="2", **{"QA score [int]": "7.5"})]
    path = tmp_path / "z.csv"
    path.write_text(csv_text(ZENDESK_COLUMNS, rows))
    result = load(memory_con, path, config, timezone_name="UTC")
    assert (result.rows_loaded, result.rows_rejected) == (2, 0)
    assert result.dialect == "encoding utf-8 (detected), delimiter comma (detected), thousands separators (detected)"
    assert one(memory_con, "SELECT epoch(first_response_at - created_at) / 60 FROM tickets WHERE ticket_id = '1'") == (1250.5,)
    assert one(memory_con, "SELECT qa_score FROM tickets WHERE ticket_id = '2'") == (7.5,)


def test_canonical_numbers_load_as_before(tmp_path, memory_con, config):
    path = tmp_path / "c.csv"
    path.write_text(csv_text(CANONICAL_COLUMNS, [canonical_row(ticket_id="1", qa_score="88.25", reopen_count="2")]))
    result = load(memory_con, path, config)
    assert (result.rows_loaded, result.rows_rejected) == (1, 0)
    assert one(memory_con, "SELECT qa_score, reopen_count FROM tickets") == (88.25, 2)
