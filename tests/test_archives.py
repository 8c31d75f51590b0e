"""Exports delivered packed: Zendesk's ZIP, a gzipped CSV. The export inside loads (workbooks:
tests/test_workbooks.py); archives of several files and archives that unpack far beyond an export's size are refused with
what to do; nothing unpacked is left behind."""
from __future__ import annotations

import gzip
import tempfile
import zipfile
from pathlib import Path

import pytest

from pipelines import archives
from pipelines.archives import ArchiveError
from pipelines.mapping_draft import read_sample
from tests.ingest_fixtures import ZENDESK_COLUMNS, load, zendesk_row
from tests.test_csv_dialect import csv_text

EXPORT = csv_text(ZENDESK_COLUMNS, [zendesk_row(Id="1"), zendesk_row(Id="2")]).encode()


def zipped(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return path


def leftovers(name: str) -> list[Path]:
    return list(Path(tempfile.gettempdir()).glob(f"{name}-*"))


@pytest.mark.parametrize("make, inner", [
    (lambda d: zipped(d / "export-2026-12-01.zip", {"tickets.csv": EXPORT}), "tickets.csv"),
    (lambda d: zipped(d / "e.zip", {"export/tickets.csv": EXPORT, "__MACOSX/export/._tickets.csv": b"x"}), "tickets.csv"),
    (lambda d: (d / "tickets.csv.gz").write_bytes(gzip.compress(EXPORT)) and d / "tickets.csv.gz", "tickets.csv"),
])
def test_the_export_inside_a_zip_or_gzip_loads_under_its_own_name(tmp_path, memory_con, config, make, inner):
    path = make(tmp_path)
    result = load(memory_con, path, config, timezone_name="UTC")
    assert (result.source, result.rows_loaded, result.rows_rejected) == ("zendesk", 2, 0)
    assert Path(result.path).name == inner
    assert leftovers(path.name) == []
    again = load(memory_con, path, config, timezone_name="UTC")
    assert again.status == "skipped"                     # the same delivery is not loaded twice
    plain = tmp_path / "tickets.csv"
    plain.write_bytes(EXPORT)
    assert load(memory_con, plain, config, timezone_name="UTC").status == "skipped"   # nor its export unpacked


@pytest.mark.parametrize("name, content, message", [
    ("two.zip", {"a.csv": EXPORT, "b.csv": EXPORT}, "a ZIP holding 2 export files (a.csv, b.csv)"),
    ("none.zip", {"readme.md": b"hi"}, "a ZIP holding 0 export files (readme.md)"),
])
def test_archives_that_are_not_one_export_are_refused_with_what_to_do(tmp_path, memory_con, config, name, content,
                                                                      message):
    path = zipped(tmp_path / name, content)
    with pytest.raises(ArchiveError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load(memory_con, path, config, timezone_name="UTC")
    assert memory_con.execute("SELECT count(*) FROM tickets").fetchall() == [(0,)]
    assert leftovers(name) == []


def test_a_broken_archive_is_named(tmp_path, memory_con, config):
    broken = tmp_path / "cut.zip"
    broken.write_bytes(zipped(tmp_path / "whole.zip", {"t.csv": EXPORT}).read_bytes()[:40])
    with pytest.raises(ArchiveError, match="cut.zip: not a readable ZIP file"):
        load(memory_con, broken, config)


def test_an_archive_that_unpacks_far_beyond_its_size_is_refused(tmp_path, memory_con, config, monkeypatch):
    monkeypatch.setattr(archives, "MAX_SLACK_BYTES", 0)
    path = tmp_path / "bomb.csv.gz"
    path.write_bytes(gzip.compress(b"a" * (5 << 20)))      # 5 MiB of one byte: ~1000x
    with pytest.raises(ArchiveError, match="unpacks to more than"):
        load(memory_con, path, config)
    assert leftovers(path.name) == []


def test_mapping_draft_reads_the_export_inside_a_zip(tmp_path):
    sample = read_sample(zipped(tmp_path / "e.zip", {"tickets.csv": EXPORT}))
    assert sample.header == ZENDESK_COLUMNS and len(sample.rows) == 2


def test_mapping_draft_errors_name_the_delivered_file_not_the_unpacked_one(tmp_path):
    path = zipped(tmp_path / "delivery.zip", {"export/tickets.csv": b""})
    with pytest.raises(Exception, match=rf"^{path}: the file is empty"):
        read_sample(path)
