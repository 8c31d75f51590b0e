"""Encodings and delimiters as Excel and help desks write them: detected from a bounded sample,
said in the summary, overridable; a line that cannot be decoded is a rejected row, not a refused
file."""
from __future__ import annotations

import codecs
import csv
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines import csv_dialect
from pipelines.sources import UnknownSource
from safetyops.cli import main
from tests.ingest_fixtures import CANONICAL_COLUMNS, ZENDESK_COLUMNS, canonical_row, load, one, zendesk_row


def csv_text(columns, rows, delimiter=",", line_end="\r\n") -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, lineterminator=line_end)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row.get(c, "") for c in columns] if isinstance(row, dict) else row)
    return buf.getvalue()


def test_european_excel_zendesk_export_in_cp1252_with_semicolons(tmp_path, memory_con, config):
    rows = [zendesk_row(Id="1", Group="Sécurité – Spam"), zendesk_row(Id="2", Group="Conformité “VIP”")]
    path = tmp_path / "z.csv"
    path.write_bytes(csv_text(ZENDESK_COLUMNS, rows, delimiter=";").encode("cp1252"))
    result = load(memory_con, path, config, timezone_name="UTC")
    assert (result.source, result.rows_loaded, result.rows_rejected) == ("zendesk", 2, 0)
    assert result.dialect == "encoding cp1252 (detected), delimiter semicolon (detected)"
    assert memory_con.execute("SELECT queue FROM tickets ORDER BY ticket_id").fetchall() == [
        ("Sécurité – Spam",), ("Conformité “VIP”",)]


def test_excel_unicode_text_utf16_tab_separated_with_bom(tmp_path, memory_con, config):
    rows = [canonical_row(ticket_id="Ü1", queue="言語"), canonical_row(ticket_id="Ü2")]
    path = tmp_path / "unicode.txt"
    path.write_bytes(codecs.BOM_UTF16_LE + csv_text(CANONICAL_COLUMNS, rows, delimiter="\t").encode("utf-16-le"))
    result = load(memory_con, path, config)
    assert (result.source, result.rows_loaded, result.rows_rejected) == ("canonical", 2, 0)
    assert result.dialect == "encoding utf-16 (detected), delimiter tab (detected)"
    assert one(memory_con, "SELECT queue FROM tickets WHERE ticket_id = 'Ü1'") == ("言語",)


def test_one_undecodable_line_among_good_utf8_ones_is_a_rejected_row(tmp_path, memory_con, config):
    good = csv_text(CANONICAL_COLUMNS, [canonical_row(ticket_id="A", queue="café"),
                                        canonical_row(ticket_id="B")], line_end="\n").encode("utf-8")
    bad_row = csv_text(CANONICAL_COLUMNS, [canonical_row(ticket_id="C", queue="QUEUE")], line_end="\n")
    bad = bad_row.split("\n", 1)[1].replace("QUEUE", "caf\udce9").encode("utf-8", "surrogateescape")
    last = csv_text(CANONICAL_COLUMNS, [canonical_row(ticket_id="D")], line_end="\n").split("\n", 1)[1].encode()
    path = tmp_path / "t.csv"
    path.write_bytes(good + bad + last)
    result = load(memory_con, path, config)
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (4, 3, 1)
    line, reason = one(memory_con, "SELECT line_number, reason FROM rejected_rows")
    assert line == 4 and reason.startswith("cannot be decoded as utf-8")
    assert [r[0] for r in memory_con.execute("SELECT ticket_id FROM tickets ORDER BY 1").fetchall()] == ["A", "B", "D"]


def test_a_byte_cp1252_leaves_undefined_rejects_only_its_line(tmp_path, memory_con, config):
    text = csv_text(CANONICAL_COLUMNS, [canonical_row(ticket_id="A", queue="équipe"),
                                        canonical_row(ticket_id="B", queue="XX"),
                                        canonical_row(ticket_id="C", queue="naïve")])
    path = tmp_path / "t.csv"
    path.write_bytes(text.encode("cp1252").replace(b"XX", b"\x81"))
    result = load(memory_con, path, config)
    assert (result.rows_loaded, result.rows_rejected) == (2, 1)
    assert one(memory_con, "SELECT line_number, reason FROM rejected_rows") == (3, "cannot be decoded as cp1252")
    assert memory_con.execute("SELECT queue FROM tickets ORDER BY ticket_id").fetchall() == [("équipe",), ("naïve",)]


def test_detection_reads_a_bounded_sample_and_a_later_latin1_line_is_rejected(tmp_path, memory_con, config):
    rows = [canonical_row(ticket_id=f"T{i}", queue="q" * 40) for i in range(7000)]   # > 1 MiB of ASCII
    text = csv_text(CANONICAL_COLUMNS, rows, line_end="\n")
    assert len(text) > csv_dialect.SAMPLE_BYTES
    late = csv_text(CANONICAL_COLUMNS, [canonical_row(ticket_id="LATE", queue="équipe")], line_end="\n")
    path = tmp_path / "t.csv"
    path.write_bytes(text.encode() + late.split("\n", 1)[1].encode("latin-1"))
    result = load(memory_con, path, config)
    assert result.dialect.startswith("encoding utf-8 (detected)")
    assert (result.rows_loaded, result.rows_rejected) == (7000, 1)
    assert one(memory_con, "SELECT line_number FROM rejected_rows") == (7002,)


def test_encoding_and_delimiter_given_on_the_command_line_win(tmp_path, config_file):
    path = tmp_path / "t.csv"
    # ISO-8859-15 has € at 0xA4, where cp1252 (what detection would pick) has ¤
    path.write_bytes(csv_text(CANONICAL_COLUMNS, [canonical_row(queue="€ team")], delimiter="|").encode("iso8859_15"))
    out = tmp_path / "out.txt"
    import contextlib
    with open(out, "w", encoding="utf-8") as fh, contextlib.redirect_stdout(fh):
        code = main(["--config", str(config_file), "ingest", "--encoding", "iso8859-15", "--delimiter", "|", str(path)])
    assert code == 0
    assert "encoding iso8859-15 (given), delimiter pipe (given)" in out.read_text(encoding="utf-8")
    from core.config import load_config
    from core.warehouse import connect_read
    con = connect_read(load_config(config_file).db_path)
    assert con.execute("SELECT queue FROM tickets").fetchall() == [("€ team",)]
    con.close()


@pytest.mark.parametrize("args, message", [
    (["--encoding", "klingon"], "--encoding 'klingon' is not a known encoding"),
    (["--delimiter", ";;"], "--delimiter ';;': give one character"),
])
def test_bad_overrides_are_usage_errors(tmp_path, config_file, capsys, args, message):
    path = tmp_path / "t.csv"
    path.write_text(csv_text(CANONICAL_COLUMNS, [canonical_row()]), encoding="utf-8")
    assert main(["--config", str(config_file), "ingest", *args, str(path)]) == 2
    assert message in capsys.readouterr().err


cell = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc"), exclude_characters=",;|\t\"'"),
               max_size=8)


@settings(max_examples=60, deadline=None)
@given(delimiter=st.sampled_from(csv_dialect.DELIMITERS), width=st.integers(2, 6), data=st.data(),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]))
def test_any_table_round_trips_through_detection(tmp_path_factory, delimiter, width, data, encoding):
    header = data.draw(st.lists(cell.filter(lambda c: c.strip()), min_size=width, max_size=width))
    rows = data.draw(st.lists(st.lists(cell, min_size=width, max_size=width), min_size=1, max_size=8))
    text = csv_text(header, rows, delimiter=delimiter)
    try:
        raw = text.encode(encoding)
    except UnicodeEncodeError:
        return                                    # a character cp1252 cannot hold
    path = tmp_path_factory.mktemp("d") / "t.csv"
    path.write_bytes(raw)
    dialect = csv_dialect.detect(path)
    assert dialect.delimiter == delimiter
    copy = path.with_suffix(".utf8")
    csv_dialect.transcode(path, dialect, copy)
    assert copy.read_bytes().decode("utf-8") == text


@pytest.mark.parametrize("encoding, bom", [("utf-8", b""), ("cp1252", b""), ("utf-8", codecs.BOM_UTF8)])
def test_excels_sep_line_names_the_delimiter_and_rejected_rows_keep_their_lines(tmp_path, memory_con, config,
                                                                                encoding, bom):
    # Excel writes `sep=;` as the first line when asked to (and reads it as the delimiter): the header
    # is line 2, and a rejected row's line counts the sep= line too.
    rows = [canonical_row(ticket_id="A", queue="Sécurité"), canonical_row(ticket_id="B", status="zzz"),
            ["C", "broken"], canonical_row(ticket_id="D")]
    path = tmp_path / "excel.csv"
    path.write_bytes(bom + ("sep=;\r\n" + csv_text(CANONICAL_COLUMNS, rows, delimiter=";")).encode(encoding))
    result = load(memory_con, path, config)
    assert (result.source, result.rows_read, result.rows_loaded, result.rows_rejected) == ("canonical", 4, 2, 2)
    assert "delimiter semicolon (from its sep= line)" in result.dialect
    assert memory_con.execute("SELECT line_number, reason FROM rejected_rows ORDER BY 1").fetchall() == [
        (4, "unknown status"), (5, "too few columns")]
    assert memory_con.execute("SELECT ticket_id, queue FROM tickets ORDER BY 1").fetchall() == [
        ("A", "Sécurité"), ("D", canonical_row()["queue"])]


def test_a_sep_line_is_only_a_hint_when_the_delimiter_is_given(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("sep=;\nticket_id|created_at|status\nA|2026-01-01T00:00:00Z|open\n")
    dialect = csv_dialect.detect(path, delimiter="|")
    assert (dialect.delimiter, dialect.sep_line, dialect.header_line) == ("|", True, 2)
    assert csv_dialect.header_record(path, dialect) == ["ticket_id", "created_at", "status"]


def test_an_unknown_header_after_a_sep_line_is_named_at_line_2(tmp_path, memory_con, config):
    path = tmp_path / "x.csv"
    path.write_text("sep=;\nfoo;bar\n1;2\n")
    with pytest.raises(UnknownSource, match=r"x\.csv: line 2: cannot tell which help desk"):
        load(memory_con, path, config)
