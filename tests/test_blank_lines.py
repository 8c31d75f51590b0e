"""Empty lines in a CSV export (before the header, between records, at the end): the CSV reader
skips them, and a rejected row is still named by its own line, counted as DuckDB counts lines
(a quoted value spanning lines is one line)."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from pipelines.blank_lines import empty_lines_after
from pipelines.csv_dialect import detect
from tests.ingest_fixtures import load

HEADER = "ticket_id,created_at,status,subject"
GOOD = "{n},2026-03-0{d}T10:00:00Z,open,plain"
BAD = "{n},not a date,open,plain"


def rejected_lines(con) -> list[int]:
    return [r[0] for r in con.execute("SELECT line_number FROM rejected_rows ORDER BY 1").fetchall()]


@pytest.mark.parametrize("text, lines", [
    ("a,b\n1,2\n", []),
    ("a,b\n1,2\n\n3,4\n", [3]),
    ("a,b\r\n1,2\r\n\r\n\r\n3,4\r\n", [3, 4]),
    ('a,b\n1,"x\n\ny"\n\n3,4\n', [3]),            # the empty line inside the quoted value is its record's
    ('a,b\n1,"x\n\ny"\n3,4\n', []),                  # only inside quotes: the file is not read record by record
    ('a,b\n1,"said ""hi""\n\nok"\n\n3,4\n', [3]),     # doubled quotes keep the parity
    ("a,b\n1,2\n\n", [3]),
    ("\n\na,b\n1,2\n\n3,4\n", [5]),               # (after the header on line 3)
    ('a,b\n1,"x\ny\n\n', []),                     # an unterminated quote runs to the end
])
def test_empty_lines_are_found_outside_quoted_values_only(tmp_path, text, lines):
    path = tmp_path / "t.csv"
    path.write_bytes(text.encode())
    header_line = detect(path).header_line
    assert empty_lines_after(path, ",", header_line) == lines


def test_blank_lines_before_the_header_are_skipped_and_counted(tmp_path, memory_con, config):
    path = tmp_path / "t.csv"
    path.write_text("\n \n" + "\n".join([HEADER, GOOD.format(n=1, d=1), BAD.format(n=2)]) + "\n")
    result = load(memory_con, path, config)
    assert (result.rows_loaded, result.rows_rejected) == (1, 1)
    assert rejected_lines(memory_con) == [5]
    assert result.dialect.endswith("header on line 3 (blank lines above it skipped)")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(records=st.lists(st.tuples(st.booleans(), st.integers(0, 2), st.booleans()), min_size=1, max_size=12),
       crlf=st.booleans())
def test_a_rejected_row_is_named_by_its_line_whatever_blank_lines_come_before_it(tmp_path_factory, config, records,
                                                                                   crlf):
    """Each record: (is it bad, empty lines before it, does its subject span two lines)."""
    from core.warehouse import connect_memory
    lines, expected, line = [HEADER], [], 1
    for n, (bad, blanks, multiline) in enumerate(records, start=1):
        lines += [""] * blanks
        line += blanks + 1
        record = (BAD if bad else GOOD).format(n=n, d=1 + n % 9)
        if multiline:
            record = record.replace("plain", '"two\n\nlines"')
        lines.append(record)
        if bad:
            expected.append(line)
    path = tmp_path_factory.mktemp("blank") / "t.csv"
    path.write_bytes(("\r\n" if crlf else "\n").join(lines).encode() + b"\n")
    con = connect_memory()
    try:
        result = load(con, path, config)
        assert result.rows_rejected == len(expected)
        assert rejected_lines(con) == expected
    finally:
        con.close()


def test_an_unknown_header_after_blank_lines_is_named_at_its_own_line(tmp_path, memory_con, config):
    from pipelines.sources import UnknownSource
    path = tmp_path / "t.csv"
    path.write_text("\n\nfoo,bar,baz\n1,2,3\n")
    with pytest.raises(UnknownSource, match=r"t.csv: line 3: cannot tell which help desk.*look at line 3 of the file"):
        load(memory_con, path, config)
