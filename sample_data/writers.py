"""Streaming export writers: one per format, fed one simulated day (chunk) at a time.

A writer owns its files: it writes the header when opened, appends each chunk's rows, and reports
the rows written per file when closed. Format-specific column builders live in
writer_canonical.py, writer_zendesk.py, writer_salesforce.py and writer_jira.py.
"""
from __future__ import annotations

from pathlib import Path

from sample_data import writer_canonical, writer_jira, writer_salesforce, writer_zendesk
from sample_data.csv_layout import CsvFile, CsvLayout, WriterContext


class ExportWriter:
    """All files of one format."""

    def __init__(self, fmt: str, layouts: list[CsvLayout], out_dir: Path,
                 context: WriterContext) -> None:
        self.format = fmt
        self.context = context
        self.files = [CsvFile(layout, out_dir) for layout in layouts]

    def write(self, chunk: dict) -> None:
        for f in self.files:
            f.write(chunk, self.context)

    def close(self) -> dict[str, int]:
        for f in self.files:
            f.close()
        return {str(f.path): f.rows for f in self.files}


LAYOUTS: dict[str, list[CsvLayout]] = {
    "canonical": [writer_canonical.LAYOUT],
    "zendesk": [writer_zendesk.LAYOUT],
    "salesforce": [writer_salesforce.CASES, writer_salesforce.MILESTONES],
    "jira": [writer_jira.LAYOUT],
}


def layouts_for(fmt: str) -> list[CsvLayout]:
    try:
        return LAYOUTS[fmt]
    except KeyError:
        raise ValueError(f"unknown format {fmt!r}") from None


def open_writer(fmt: str, out_dir: Path, context: WriterContext) -> ExportWriter:
    return ExportWriter(fmt, layouts_for(fmt), out_dir, context)
