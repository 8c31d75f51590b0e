"""`detect-csv` reads series files as monitoring tools and spreadsheets write them: Excel's UTF-16
"Unicode text", cp1252, comment lines before the header (InfluxDB's annotated CSV), trailing empty
rows, values with a unit; and every message names the line the value is on in the file."""
from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from anomaly.csv_series import SeriesFileError, read_series_csv

ROWS = [("2026-01-01 00:00", "41.5"), ("2026-01-01 01:00", "40.25"), ("2026-01-01 02:00", "39")]
VALUES = [41.5, 40.25, 39.0]


def body(rows=ROWS, header="timestamp,value", sep=",", eol="\n") -> str:
    return eol.join([header.replace(",", sep)] + [sep.join(r) for r in rows]) + eol


@pytest.mark.parametrize("data, note", [
    (body(sep="\t", eol="\r\n").encode("utf-16"), "read as utf-16 text (detected)"),       # Excel "Unicode text"
    (body(header="timestamp,Valeur mesurée").encode("cp1252"), "read as cp1252 text (detected)"),
    (("\ufeff" + body()).encode("utf-8"), None),
    (("# exported from grafana\n# panel: cpu\n\n" + body()).encode(), "3 comment or blank line(s) before the header"),
    ((body() + ",\n,\n").encode(), "2 row(s) with every cell empty skipped"),
    (body([(t, v + "%") for t, v in ROWS]).encode(), "carries the unit '%'"),
    (body([(t, v + " ms") for t, v in ROWS]).encode(), "carries the unit 'ms'"),
    (body(header="time,value").encode(), "column 'time' read as the timestamp ("),
])
def test_files_as_tools_write_them_read_to_the_same_series(tmp_path, data, note):
    path = tmp_path / "s.csv"
    path.write_bytes(data)
    series, raw, notes = read_series_csv(path)
    assert list(series) == VALUES and raw == [t for t, _ in ROWS]
    if note:
        assert any(note in n for n in notes), notes


def test_influxdb_annotated_csv_reads_its_time_and_value_columns(tmp_path):
    lines = ["#group,false,false,true,true,false,false,true,true",
             "#datatype,string,long,dateTime:RFC3339,dateTime:RFC3339,dateTime:RFC3339,double,string,string",
             "#default,_result,,,,,,,",
             ",result,table,_start,_stop,_time,_value,_field,_measurement"]
    lines += [f",,0,2026-01-01T00:00:00Z,2026-01-02T00:00:00Z,2026-01-01T0{h}:00:00Z,{v},usage,cpu"
              for h, (_, v) in enumerate(ROWS)]
    path = tmp_path / "influx.csv"
    path.write_text("\n".join(lines) + "\n")
    series, _, notes = read_series_csv(path)
    assert list(series) == VALUES
    assert any("column '_time' read as the timestamp and '_value' read as the value" in n for n in notes), notes


@pytest.mark.parametrize("text, message", [
    ("timestamp,value\n2026-01-01 00:00,120 ms\n2026-01-01 01:00,1.2 s\n",
     "value values in different units: line 2 '120 ms', line 3 '1.2 s'"),
    ("# a comment\ntimestamp,value\n2026-01-01 00:00,1\n2026-01-01 01:00,1,2\n", "line 4: 3 cells, the header has 2"),
    ("# a comment\n\ntimestamp,value\n2026-01-01 00:00,1\n,\n2026-01-01 02:00,x\n", "line 6: value 'x' is not a number"),
    ("# only comments\n\n", "no header line"),
])
def test_errors_name_the_line_in_the_file(tmp_path, text, message):
    path = tmp_path / "s.csv"
    path.write_text(text)
    with pytest.raises(SeriesFileError, match=re.escape(message)):
        read_series_csv(path)


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 4), st.lists(st.booleans(), min_size=3, max_size=12), st.data())
def test_the_line_named_is_the_bad_values_line_whatever_comes_before_it(tmp_path_factory, comments, empties, data):
    """Comment lines before the header and empty rows between data rows never shift the line named."""
    lines = [f"# comment {i}" for i in range(comments)] + ["timestamp,value"]
    bad_at = data.draw(st.integers(0, len(empties) - 1))
    expected_line = None
    for i, empty_after in enumerate(empties):
        lines.append(f"2026-01-01 {i:02d}:00,{'oops' if i == bad_at else i}")
        if i == bad_at:
            expected_line = len(lines)
        if empty_after:
            lines.append(",")
    path = tmp_path_factory.mktemp("lines") / "s.csv"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(SeriesFileError, match=f"line {expected_line}: value 'oops' is not a number"):
        read_series_csv(path)
