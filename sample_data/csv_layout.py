"""One CSV file of an export: its layout (name, header, column builder, quoting) and the file
written one simulated day (chunk) at a time. The format modules (writer_*.py) define layouts."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Callable

import pyarrow as pa

from sample_data import catalog
from sample_data.identities import Reporters, agent_labels
from sample_data.textcsv import header_line, write_rows

UTF8_BOM = b"\xef\xbb\xbf"


class LayoutError(RuntimeError):
    """A format's column builder and its header disagree (a bug in the writer, not the input)."""


@dataclass
class WriterContext:
    """What the column builders need besides the chunk itself."""
    seed: int
    export_timezone: str
    end_epoch: int
    reporters: Reporters
    agents: dict[str, pa.Array]

    @classmethod
    def for_options(cls, options) -> "WriterContext":
        return cls(seed=options.seed, export_timezone=options.export_timezone,
                   end_epoch=options.end_epoch, reporters=Reporters(options.seed),
                   agents=agent_labels(catalog.VENDOR_SLUG, catalog.VENDOR_AGENTS))


@dataclass(frozen=True)
class CsvLayout:
    """How one CSV file is written."""
    file_name: str
    header: tuple[str, ...]
    build: Callable[[dict, WriterContext], list[pa.Array]]
    eol: str = "\n"
    quote_header: bool = True
    quote_every_value: bool = False
    bom: bool = False
    plain: frozenset[int] = frozenset()     # columns whose values never need quoting


class CsvFile:
    def __init__(self, layout: CsvLayout, out_dir: Path) -> None:
        self.layout = layout
        self.path = out_dir / layout.file_name
        self.rows = 0
        self._fh: BinaryIO = open(self.path, "wb")
        if layout.bom:
            self._fh.write(UTF8_BOM)
        self._fh.write(header_line(layout.header, layout.quote_header, layout.eol))

    def write(self, chunk: dict, context: WriterContext) -> None:
        columns = self.layout.build(chunk, context)
        if len(columns) != len(self.layout.header):
            raise LayoutError(f"{self.layout.file_name}: {len(columns)} columns built for "
                                 f"{len(self.layout.header)} header names")
        self.rows += write_rows(self._fh, columns, self.layout.eol,
                                self.layout.quote_every_value, self.layout.plain)

    def close(self) -> None:
        self._fh.close()
