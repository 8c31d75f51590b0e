"""The CSV reader names the columns itself when the header is unambiguous (so DuckDB sniffs
nothing): the names must be the ones DuckDB's own detection gives, or the mapping would miss
columns."""
from __future__ import annotations

import csv
import io

import duckdb
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from pipelines import readers


def sniffed_names(path) -> list[str]:
    """What read_csv names the columns when it detects them (the reader's path for any header)."""
    con = duckdb.connect()
    return [r[0] for r in con.execute(
        "DESCRIBE SELECT * FROM read_csv(?, all_varchar = true, header = true, delim = ',', quote = '\"', "
        "escape = '\"', normalize_names = false)", [str(path)]).fetchall()]


def read_names(path) -> list[str]:
    con = duckdb.connect()
    try:
        return readers.load_csv(con, path).header
    finally:
        con.close()


def write_header(path, names: list[str]) -> None:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(names)
    csv.writer(out, lineterminator="\n").writerow(["x"] * len(names))
    path.write_text(out.getvalue(), encoding="utf-8")


HEADERS = [
    ("plain", ["Id", "Status", "Created at"]),
    ("spaces around names", [" Id ", "Status  ", "  Created at"]),
    ("a tab around a name (kept)", ["\tId\t", "Status"]),
    ("repeated name", ["Labels", "Labels", "Labels"]),
    ("repeated in another case", ["Id", "ID"]),
    ("blank name", ["Id", "", "Status"]),
    ("quoted comma and quote", ['Name, full', 'Say "hi"']),
    ("non-ASCII", ["Categoría", "Région", "言語"]),
    ("a no-break space after a name", ["0\xa0", "Status"]),
]


@pytest.mark.parametrize("names", [h[1] for h in HEADERS], ids=[h[0] for h in HEADERS])
def test_header_names_are_the_ones_duckdb_detects(tmp_path, names):
    path = tmp_path / "h.csv"
    write_header(path, names)
    assert read_names(path) == sniffed_names(path)


header_name = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=12)


@settings(max_examples=150, deadline=None)
@given(names=st.lists(header_name, min_size=1, max_size=6))
def test_any_header_is_named_as_duckdb_names_it(tmp_path_factory, names):
    assume(any(name.strip() for name in names))    # a header of no names is refused (next test)
    path = tmp_path_factory.mktemp("h") / "h.csv"
    write_header(path, names)
    try:
        expected = sniffed_names(path)
    except duckdb.Error:
        return          # a header DuckDB cannot read at all is the reader's error case, tested elsewhere
    assert read_names(path) == expected


def test_a_header_of_no_names_is_refused_with_the_file_and_line(tmp_path):
    path = tmp_path / "h.csv"
    path.write_text(" , ,\n1,2,3\n", encoding="utf-8")
    with pytest.raises(readers.UnreadableFile, match=r"h\.csv: line 1: the header has no column names"):
        read_names(path)
