"""Workbooks as report tools deliver them (Salesforce "Details Only" / "Formatted Report" exports,
Zendesk Explore, Jira): the table loads as its CSV would, a rejected row is named by its row in
the sheet, and a workbook that cannot be read is refused with what to do. Fixtures are real .xlsx
files written by openpyxl, read back by the loader's python-calamine."""
from __future__ import annotations

import csv
import zipfile
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings, strategies as st
from openpyxl import Workbook

from core import workbooks
from core.workbooks import WorkbookError, cell_text
from pipelines.mapping_draft import read_sample
from tests.ingest_fixtures import load, one
from tests.test_archives import leftovers
from tests.test_ingest_variants import SALESFORCE_REPORT_COLUMNS


def workbook(path, sheets: dict[str, list[list]], hidden: tuple[str, ...] = ()):
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
        if name in hidden:
            sheet.sheet_state = "hidden"
    book.save(path)
    return path


SALESFORCE_ROWS = [
    ["00001026", "Spam wave", "Closed", "High", "Web", datetime(2026, 3, 2, 9, 5), datetime(2026, 3, 2, 16, 30),
     "Ana Souza", False],
    ["00001027", "Threat", "Working", "Critical", "Email", datetime(2026, 3, 3, 23, 15), None, "Ben Ode", True],
]


def test_a_salesforce_report_workbook_loads_as_its_csv_export_does(tmp_path, memory_con, config):
    path = workbook(tmp_path / "report.xlsx", {"Cases": [SALESFORCE_REPORT_COLUMNS, *SALESFORCE_ROWS]})
    result = load(memory_con, path, config, timezone_name="America/Sao_Paulo")
    assert (result.source, result.rows_loaded, result.rows_rejected) == ("salesforce_report", 2, 0)
    assert result.dialect == "workbook sheet 'Cases', read as a table"
    # the same figures as tests/test_ingest_variants.py's CSV export of these two cases
    assert memory_con.execute("""SELECT ticket_id, CAST(created_at AS VARCHAR), CAST(resolved_at AS VARCHAR), status,
        priority, channel, escalated FROM tickets ORDER BY 1""").fetchall() == [
        ("00001026", "2026-03-02 12:05:00+00", "2026-03-02 19:30:00+00", "closed", "high", "web", False),
        ("00001027", "2026-03-04 02:15:00+00", None, "open", "urgent", "email", True)]
    assert leftovers(path.name) == []
    assert load(memory_con, path, config, timezone_name="America/Sao_Paulo").status == "skipped"


def test_a_mapping_with_its_own_date_formats_reads_date_cells_too(tmp_path, memory_con, config):
    """Jira writes dates as 02/Mar/26 9:05 AM in CSV; in a workbook they are date cells, and a
    cell typed as text keeps the mapping's format."""
    path = workbook(tmp_path / "jira.xlsx", {"Jira": [
        ["Issue key", "Created", "Status"],
        ["TS-1", datetime(2026, 3, 2, 9, 5), "Open"],
        ["TS-2", "03/Mar/26 11:15 PM", "Done"]]})
    result = load(memory_con, path, config, timezone_name="UTC")
    assert (result.source, result.rows_loaded, result.rows_rejected) == ("jira", 2, 0)
    assert memory_con.execute("SELECT ticket_id, CAST(created_at AS VARCHAR) FROM tickets ORDER BY 1").fetchall() == [
        ("TS-1", "2026-03-02 09:05:00+00"), ("TS-2", "2026-03-03 23:15:00+00")]


def test_a_formatted_reports_title_rows_are_skipped_and_rows_keep_their_sheet_numbers(tmp_path, memory_con, config):
    rows = [["Open safety cases"], ["Filtered by: Status not equal to Closed"], [],
            SALESFORCE_REPORT_COLUMNS,                                              # row 4
            SALESFORCE_ROWS[0],                                                     # row 5
            [],                                                                     # row 6: an empty row
            ["00001030", "x", "Closed", "High", "Web", "not a date", None, "Ana", False],   # row 7
            SALESFORCE_ROWS[1]]                                                     # row 8
    path = workbook(tmp_path / "formatted.xlsx", {"Report": rows})
    result = load(memory_con, path, config, timezone_name="UTC")
    assert (result.rows_loaded, result.rows_rejected) == (2, 1)
    assert result.dialect == "workbook sheet 'Report', read as a table, header on row 4"
    assert one(memory_con, "SELECT line_number, reason FROM rejected_rows") == (7, "unparseable created_at")


def test_the_first_visible_sheet_with_a_table_is_read(tmp_path, memory_con, config):
    path = workbook(tmp_path / "book.xlsx", {
        "Notes": [["exported by Ana"]],
        "Old": [SALESFORCE_REPORT_COLUMNS, SALESFORCE_ROWS[0]],
        "Cases": [SALESFORCE_REPORT_COLUMNS, *SALESFORCE_ROWS]}, hidden=("Old",))
    result = load(memory_con, path, config, timezone_name="UTC")
    assert (result.rows_loaded, result.dialect) == (2, "workbook sheet 'Cases', read as a table")


def test_a_workbook_inside_a_zip_loads(tmp_path, memory_con, config):
    book = workbook(tmp_path / "report.xlsx", {"Cases": [SALESFORCE_REPORT_COLUMNS, *SALESFORCE_ROWS]})
    path = tmp_path / "delivery.zip"
    with zipfile.ZipFile(path, "w") as z:
        z.write(book, "report.xlsx")
    assert load(memory_con, path, config, timezone_name="UTC").rows_loaded == 2
    assert leftovers(path.name) == []


def test_mapping_draft_reads_a_workbook_and_says_which_sheet(tmp_path):
    rows = [["Ticket ID", "Created", "Status", "Category"]]
    rows += [[f"T{i}", datetime(2026, 3, 1) + timedelta(hours=7 * i), "Open", "Spam"] for i in range(40)]
    sample = read_sample(workbook(tmp_path / "explore.xlsx", {"Tickets": rows}))
    assert sample.header == ["Ticket ID", "Created", "Status", "Category"]
    # 2026-03-01 00:00 comes back from the sheet as a date; in a column of moments it keeps its time
    assert sample.rows[0][:2] == ["T0", "2026-03-01 00:00:00"]
    assert sample.dialect.describe() == "workbook sheet 'Tickets', read as a table"


@pytest.mark.parametrize("value, text", [
    (None, ""), ("", ""), ("00001026", "00001026"), (12.0, "12"), (0.5, "0.5"), (1234567890123.0, "1234567890123"),
    (0.1 + 0.2, "0.3"), (1.5e20, "1.5e+20"), (-3.0, "-3"), (7, "7"), (True, "true"), (False, "false"),
    (datetime(2026, 3, 2, 9, 5), "2026-03-02 09:05:00"), (datetime(2026, 3, 2, 9, 4, 59, 999_990), "2026-03-02 09:05:00"),
    (date(2026, 3, 2), "2026-03-02"), (time(9, 5), "09:05:00"), (timedelta(hours=26, minutes=3), "26:03:00"),
    (timedelta(minutes=-90), "-1:30:00"),
])
def test_typed_cells_are_written_as_an_export_in_any_locale_would_hold_them(value, text):
    assert cell_text(value) == text


@pytest.mark.parametrize("name, content, message", [
    ("garbage.xlsx", {"[Content_Types].xml": b"x", "xl/workbook.xml": b"<not xml"}, "not a readable workbook"),
    ("garbage.xlsb", {"[Content_Types].xml": b"x", "xl/workbook.bin": b"\x00\x01"}, "not a readable workbook"),
    ("empty.xlsx", None, "no sheet of this workbook has a table"),
])
def test_a_workbook_that_cannot_be_read_is_refused_by_name(tmp_path, memory_con, config, name, content, message):
    path = tmp_path / name
    if content is None:
        workbook(path, {"Sheet1": [["only a title"]]})
    else:
        with zipfile.ZipFile(path, "w") as z:
            for member, data in content.items():
                z.writestr(member, data)
    with pytest.raises(WorkbookError, match=f"{name}: {message}"):
        load(memory_con, path, config)
    assert memory_con.execute("SELECT count(*) FROM tickets").fetchall() == [(0,)]
    assert leftovers(name) == []


def test_a_legacy_xls_that_is_not_one_is_named(tmp_path, memory_con, config):
    xls = tmp_path / "old.xls"
    xls.write_bytes(workbooks.OLE2_MAGIC + b"\x00" * 100)
    with pytest.raises(WorkbookError, match="old.xls: not a readable workbook"):
        load(memory_con, xls, config)


def test_a_workbook_too_large_to_read_in_memory_is_refused_before_it_is_read(tmp_path, memory_con, config,
                                                                              monkeypatch):
    path = workbook(tmp_path / "big.xlsx", {"Cases": [SALESFORCE_REPORT_COLUMNS, *SALESFORCE_ROWS]})
    monkeypatch.setattr(workbooks, "MAX_UNPACKED_BYTES", 1000)
    with pytest.raises(WorkbookError, match="big.xlsx: a workbook of .* bytes unpacked.*CSV UTF-8"):
        load(memory_con, path, config, timezone_name="UTC")


def test_detect_csv_reads_a_bi_tools_workbook_and_names_rows_as_the_sheet_does(tmp_path):
    from anomaly.csv_series import read_series_csv
    from anomaly.series_text import SeriesFileError
    days = [[date(2026, 1, 1) + timedelta(days=i), 100 + i % 7] for i in range(60)]
    path = workbook(tmp_path / "daily.xlsx", {"Daily": [["Reports by day"], [], ["Date", "Reports"], *days]})
    series, raw_times, notes = read_series_csv(path)
    assert (len(series), series.iloc[0], raw_times[0]) == (60, 100, "2026-01-01")
    assert "workbook sheet 'Daily' read" in notes
    days[40][1] = "lots"                                             # sheet row 3 + 41
    broken = workbook(tmp_path / "broken.xlsx", {"Daily": [["Reports by day"], [], ["Date", "Reports"], *days]})
    with pytest.raises(SeriesFileError, match=r"broken.xlsx: .*line 44\b.*lots"):
        read_series_csv(broken)


def test_a_sheet_whose_cells_span_a_vast_grid_is_refused_without_harm(tmp_path, memory_con, config, monkeypatch):
    """Two cells far apart make a file of a few KB that the reader would hold as a grid of 10^9
    cells: it is read in a child process with capped memory, and refused."""
    book = Workbook()
    sheet = book.active
    sheet.append(["Case Number", "Date/Time Opened", "Status"])
    sheet.append(["1", datetime(2026, 3, 2), "New"])
    sheet.cell(row=200_000, column=5_000, value="x")
    path = tmp_path / "bomb.xlsx"
    book.save(path)
    monkeypatch.chdir(tmp_path)                                  # (a relative path reaches the child too)
    with pytest.raises(WorkbookError, match="bomb.xlsx: reading this workbook needs more than 1,536 MiB"):
        load(memory_con, Path("bomb.xlsx"), config, timezone_name="UTC")
    assert memory_con.execute("SELECT count(*) FROM tickets").fetchall() == [(0,)]
    assert leftovers(path.name) == []


def ods_workbook(path, rows: list[list]):
    """A LibreOffice .ods as its format is specified (mimetype first, content.xml of one table)."""
    def cell(value) -> str:
        if isinstance(value, datetime):
            return (f'<table:table-cell office:value-type="date" office:date-value="{value.isoformat()}">'
                    f'<text:p>{value}</text:p></table:table-cell>')
        return f'<table:table-cell office:value-type="string"><text:p>{value}</text:p></table:table-cell>'
    body = "".join("<table:table-row>" + "".join(map(cell, row)) + "</table:table-row>" for row in rows)
    content = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content '
               'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
               f'<office:body><office:spreadsheet><table:table table:name="Cases">{body}</table:table>'
               '</office:spreadsheet></office:body></office:document-content>')
    manifest = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
                'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
                '<manifest:file-entry manifest:full-path="/" '
                'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
                '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
                '</manifest:manifest>')
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("META-INF/manifest.xml", manifest)
        z.writestr("content.xml", content)
    return path


def test_a_libreoffice_sheet_loads_too(tmp_path, memory_con, config):
    path = ods_workbook(tmp_path / "cases.ods", [SALESFORCE_REPORT_COLUMNS[:6], *[r[:6] for r in SALESFORCE_ROWS]])
    result = load(memory_con, path, config, timezone_name="UTC")
    assert (result.source, result.rows_loaded, result.dialect) == ("salesforce_report", 2,
                                                                  "workbook sheet 'Cases', read as a table")
    assert memory_con.execute("SELECT ticket_id, CAST(created_at AS VARCHAR) FROM tickets ORDER BY 1").fetchall() == [
        ("00001026", "2026-03-02 09:05:00+00"), ("00001027", "2026-03-03 23:15:00+00")]


def test_the_sheet_with_the_most_rows_is_read_unless_one_is_named(tmp_path, memory_con, config, config_file, capsys):
    from safetyops.cli import main
    summary = [["Cases by status", "Count"], ["Closed", 2]]                       # a small table first
    path = workbook(tmp_path / "book.xlsx", {"Summary": summary, "Cases": [SALESFORCE_REPORT_COLUMNS, *SALESFORCE_ROWS],
                                             "Old": [SALESFORCE_REPORT_COLUMNS, SALESFORCE_ROWS[0]]})
    assert load(memory_con, path, config, timezone_name="UTC").dialect == "workbook sheet 'Cases', read as a table"
    result = load(memory_con, path, config, timezone_name="UTC", sheet="Old", force=True)
    assert (result.rows_read, result.dialect) == (1, "workbook sheet 'Old', read as a table")
    with pytest.raises(WorkbookError, match=r"book.xlsx: no sheet named 'Nope'; its sheets: 'Summary', 'Cases', 'Old'"):
        load(memory_con, path, config, sheet="Nope")
    assert main(["--config", str(config_file), "mapping", "draft", str(path), "--sheet", "Old"]) == 0
    assert "workbook sheet 'Old'" in capsys.readouterr().out
    csv_file = tmp_path / "plain.csv"
    csv_file.write_text("a,b\n1,2\n")
    assert main(["--config", str(config_file), "anomaly", "detect-csv", str(csv_file), "--sheet", "Cases"]) == 2
    assert "names a workbook's sheet, and this file is no workbook" in capsys.readouterr().err


def test_messages_and_load_runs_name_the_delivered_workbook_not_the_temporary_csv(tmp_path, memory_con, config):
    from pipelines.sources import UnknownSource
    path = workbook(tmp_path / "mystery.xlsx", {"Data": [["Ref", "Opened", "State"], ["1", "x", "y"]]})
    with pytest.raises(UnknownSource) as err:
        load(memory_con, path, config)
    message = str(err.value)
    assert message.startswith(f"{path}: line 1: cannot tell which help desk")
    assert f"`safetyops mapping draft {path} > mine.toml`" in message
    assert message.endswith("(read from its sheet 'Data'; --sheet names another)")
    good = workbook(tmp_path / "cases.xlsx", {"Cases": [SALESFORCE_REPORT_COLUMNS, *SALESFORCE_ROWS]})
    result = load(memory_con, good, config, timezone_name="UTC")
    assert memory_con.execute("SELECT path, file_name FROM load_runs WHERE load_run_id = ?",
                              [result.load_run_id]).fetchall() == [(str(good.resolve()), "cases.xlsx (sheet Cases).csv")]


# (openpyxl writes a text starting with "=" as a formula without its value: not what an export holds;
# and a text of spaces only without xml:space="preserve", which the reader then reads as empty, where
# Excel writes the attribute and the reader keeps the spaces)
_TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=20).filter(
    lambda t: not t.startswith("=") and (t.strip() or not t)) | st.sampled_from(["00123", " padded ", 'say "hi"', "a,b", "line\nbreak",
                                                        "1,5", "TRUE"])
_CELLS = _TEXT | st.integers(-10**12, 10**12) | st.floats(-1e9, 1e9, allow_nan=False).map(lambda f: round(f, 6)) \
    | st.booleans() | st.datetimes(datetime(1990, 1, 1), datetime(2090, 1, 1)).map(lambda d: d.replace(microsecond=0)) \
    .filter(lambda d: d.time() != time())     # (a moment at midnight reads back as a date: the test above)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(_CELLS, min_size=3, max_size=3), min_size=1, max_size=8))
def test_any_cells_come_back_from_the_sheet_as_the_text_a_csv_export_would_hold(tmp_path_factory, rows):
    """Round trip through a real .xlsx: what the loader reads is each cell's text (cell_text), row
    for row. (A whole row of empty text is an empty row: an empty line, skipped and counted; the
    sheet ends at its last filled row.)"""
    expected = [[cell_text(v) for v in row] for row in rows]
    expected = [row if any(row) else [] for row in expected]
    while expected and not expected[-1]:
        expected.pop()
    assume(expected)
    folder = tmp_path_factory.mktemp("sheet")
    path = workbook(folder / "any.xlsx", {"Data": [["a", "b", "c"], *rows]})
    written, _ = workbooks.sheet_as_csv(path, folder)
    with open(written, newline="", encoding="utf-8") as fh:
        read_back = list(csv.reader(fh))
    assert read_back == [["a", "b", "c"], *expected]
