"""How a CSV export is written: its text encoding and its delimiter, found from a bounded sample.

Excel and help desks write exports in several ways: UTF-8 with or without a byte-order mark,
"Unicode text" (UTF-16 with a BOM, tab-separated), a Windows code page (cp1252 in Western
Europe and the Americas), and `;` instead of `,` where the comma is the decimal separator. Only
the first SAMPLE_BYTES are read to tell which, so detection costs the same for any file size.

UTF-8 files are read by DuckDB as they are (the fast path). Any other encoding is transcoded to a
temporary UTF-8 file first (`transcode`), in which a byte sequence that cannot be decoded is
written as an invalid UTF-8 byte: DuckDB then rejects that one line, with its line number, and
loads the others.
"""
from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from core.errors import InputError
from core.excel_sep import split_sep_line
from core.number_formats import number_format_of
from core.text_encoding import detect_encoding

SAMPLE_BYTES = 1 << 20
DELIMITERS = (",", ";", "\t", "|")
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
_RECORDS_SAMPLED = 50
_CONSISTENT = 0.8      # share of the sampled records that must have the header's width
_UNDECODABLE = "safetyops-undecodable"
_BLANK_LINES = re.compile(r"(?:[ \t]*\r?\n)*")


class UnknownEncoding(InputError):
    """--encoding names no codec Python knows."""


class BadDelimiter(InputError):
    """--delimiter is not one character."""


class UnreadableFile(InputError):
    """The file cannot be read at all (not CSV/JSON/Parquet, empty, wrong encoding)."""


@dataclass(frozen=True)
class CsvDialect:
    encoding: str                 # a Python codec name ("utf-8", "utf-16", "cp1252", ...)
    delimiter: str
    encoding_given: bool = False  # from --encoding, not detected
    delimiter_given: bool = False
    decimal_mark: str = "."       # "," where the numbers are written 12,5 (detect_number_format)
    grouped: bool = False         # thousands separators seen in the sample (1,234.5 or 1.234,5)
    # Lines end in \r\n in one place and \n (or \r) in another: read from a copy with \n throughout
    # (ingest retries a file with this set when the parser stumbles on it).
    mixed_line_endings: bool = False
    sep_line: bool = False        # the first line is Excel's `sep=X`, naming the delimiter; the header follows
    # Empty lines before the header (after any `sep=` line): a spreadsheet's title rows saved empty,
    # or a file that starts with a blank line. Skipped, and counted in every line number.
    blank_lines: int = 0
    sheet: str | None = None      # written from this workbook sheet (core/workbooks.py), not exported as CSV

    @property
    def header_line(self) -> int:
        return 1 + self.sep_line + self.blank_lines

    @property
    def number_format(self) -> tuple[str, bool]:
        return self.decimal_mark, self.grouped

    @property
    def is_utf8(self) -> bool:
        return codecs.lookup(self.encoding).name in ("utf-8", "utf-8-sig")

    def describe(self) -> str:
        """For the load summary: 'encoding cp1252 (detected), delimiter semicolon (detected)'."""
        if self.sheet is not None:
            where = f", header on row {self.header_line}" if self.blank_lines else ""
            return f"workbook sheet {self.sheet!r}, read as a table{where}"
        enc = f"encoding {self.encoding} ({'given' if self.encoding_given else 'detected'})"
        name = DELIMITER_NAMES.get(self.delimiter, repr(self.delimiter))
        numbers = ", decimal comma (detected)" if self.decimal_mark == "," else ""
        numbers += ", thousands separators (detected)" if self.grouped else ""
        numbers += ", mixed line endings (read as one)" if self.mixed_line_endings else ""
        how = "given" if self.delimiter_given else "from its sep= line" if self.sep_line else "detected"
        where = f", header on line {self.header_line} (blank lines above it skipped)" if self.blank_lines else ""
        return f"{enc}, delimiter {name} ({how}){numbers}{where}"


def check_overrides(encoding: str | None, delimiter: str | None) -> None:
    """Refuse an --encoding Python does not know, or a --delimiter that is not one character."""
    if encoding:
        _checked_encoding(encoding)
    if delimiter is not None and len(_unescaped(delimiter)) != 1:
        raise BadDelimiter(f"--delimiter {delimiter!r}: give one character, e.g. ';' or 'tab'")


def detect(path: Path, encoding: str | None = None, delimiter: str | None = None) -> CsvDialect:
    """The file's dialect; `encoding` / `delimiter` (from the command line) win over detection."""
    check_overrides(encoding, delimiter)
    with open(path, "rb") as fh:
        sample = fh.read(SAMPLE_BYTES)
    enc = _checked_encoding(encoding) if encoding else detect_encoding(sample, cut=len(sample) == SAMPLE_BYTES)
    text = _decode_sample(sample, enc)
    cut = len(sample) == SAMPLE_BYTES
    named, text = split_sep_line(text)
    blank_lines, text = split_blank_lines(text)
    delim = _unescaped(delimiter) if delimiter else named or detect_delimiter(text, cut=cut)
    decimal_mark, grouped = detect_number_format(text, delim, cut=cut)
    return CsvDialect(enc, delim, encoding_given=bool(encoding), delimiter_given=bool(delimiter),
                      decimal_mark=decimal_mark, grouped=grouped, sep_line=named is not None,
                      blank_lines=blank_lines)


def split_blank_lines(text: str) -> tuple[int, str]:
    """How many empty (or whitespace-only) lines open `text`, and the text after them."""
    match = _BLANK_LINES.match(text)
    return match.group(0).count("\n"), text[match.end():]


def from_header(text: str, dialect: CsvDialect) -> str:
    """The text from the header on: without Excel's `sep=` line and the blank lines before the
    header where the file has them."""
    if dialect.sep_line:
        text = split_sep_line(text)[1]
    return split_blank_lines(text)[1] if dialect.blank_lines else text


def sample_text(path: Path, dialect: CsvDialect) -> tuple[str, bool]:
    """The first SAMPLE_BYTES of the file as text from the header on (BOM, `sep=` line and blank
    lines before the header left out), and whether the file goes on past them (the last line may then be cut)."""
    with open(path, "rb") as fh:
        sample = fh.read(SAMPLE_BYTES)
    return from_header(_decode_sample(sample, dialect.encoding), dialect), len(sample) == SAMPLE_BYTES


def _checked_encoding(name: str) -> str:
    try:
        return codecs.lookup(name).name
    except LookupError as exc:
        raise UnknownEncoding(f"--encoding {name!r} is not a known encoding (e.g. utf-8, cp1252, utf-16, "
                              "latin-1)") from exc


def _unescaped(delimiter: str) -> str:
    return {"\\t": "\t", "tab": "\t"}.get(delimiter.lower(), delimiter)


def _decode_sample(sample: bytes, encoding: str) -> str:
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    return decoder.decode(sample, final=False).lstrip("\ufeff")


def detect_delimiter(text: str, cut: bool = False) -> str:
    """The candidate that splits the first records into the most columns, the same number on
    (nearly) every record; a comma when none does. `cut`: the sample ends inside the file."""
    lines = _first_lines(text, cut)
    best, best_score = ",", (0.0, 1)
    for delim in DELIMITERS:
        records = list(_records(lines, delim))
        if not records or len(records[0]) < 2:
            continue
        width = len(records[0])
        consistency = sum(len(r) == width for r in records) / len(records)
        if consistency < _CONSISTENT:
            continue
        if (consistency, width) > best_score:
            best, best_score = delim, (consistency, width)
    return best


def detect_number_format(text: str, delimiter: str, cut: bool = False) -> tuple[str, bool]:
    """(decimal mark, thousands separators seen) of the sampled records' numbers."""
    cells = (cell for record in _records(_first_lines(text, cut), delimiter) for cell in record)
    return number_format_of(cells, delimiter)


def _first_lines(text: str, cut: bool) -> str:
    """The sample's first lines, without a last one the end of the sample may have cut."""
    lines = text.splitlines(keepends=True)
    if cut and len(lines) > 1:
        lines = lines[:-1]
    return "".join(lines[:4 * _RECORDS_SAMPLED])


def _records(text: str, delim: str):
    reader = csv.reader(io.StringIO(text), delimiter=delim)
    try:
        for i, record in enumerate(reader):
            if i >= _RECORDS_SAMPLED:
                return
            if record:
                yield record
    except csv.Error:
        return


def header_record(path: Path, dialect: CsvDialect) -> list[str]:
    """The first record of the file (a quoted name may span lines), BOM stripped."""
    text, _ = sample_text(path, dialect)
    try:
        return next(csv.reader(io.StringIO(text), delimiter=dialect.delimiter), [])
    except csv.Error:
        return text.splitlines()[0].split(dialect.delimiter) if text else []


def _undecodable(exc: UnicodeDecodeError) -> tuple[str, int]:
    """Decode error handler: the bad bytes become one lone surrogate, which `surrogateescape`
    writes as the byte 0xFF, never valid in UTF-8."""
    return "\udcff", exc.end


codecs.register_error(_UNDECODABLE, _undecodable)


def transcode(path: Path, dialect: CsvDialect, target: Path, chunk_bytes: int = 1 << 22,
              on_block: Callable[[int], None] | None = None) -> None:
    """Write `path` as UTF-8 to `target`, keeping every line where it is: bytes that cannot be
    decoded stay invalid (0xFF), so that DuckDB rejects just their line. `on_block(n)` hears of
    every n bytes read (a progress bar). With `dialect.mixed_line_endings`, every line ends in \n."""
    if dialect.mixed_line_endings:
        _transcode_newlines(path, dialect, target, chunk_bytes, on_block)
        return
    decoder = codecs.getincrementaldecoder(dialect.encoding)(errors=_UNDECODABLE)
    first = True
    with open(path, "rb") as src, open(target, "wb") as out:
        while True:
            block = src.read(chunk_bytes)
            if on_block is not None:
                on_block(len(block))
            text = decoder.decode(block, final=not block)
            if first and text:
                text, first = text.lstrip("\ufeff"), False
            out.write(text.encode("utf-8", errors="surrogateescape"))
            if not block:
                break


def _transcode_newlines(path: Path, dialect: CsvDialect, target: Path, chunk_bytes: int,
                        on_block: Callable[[int], None] | None) -> None:
    """transcode with universal newlines: \r\n and \r become \n (one line each, so line numbers hold)."""
    with open(path, "rb") as raw, io.TextIOWrapper(raw, encoding=dialect.encoding, errors=_UNDECODABLE,
                                                    newline=None) as src, open(target, "wb") as out:
        first, seen = True, 0
        while text := src.read(chunk_bytes):
            if on_block is not None:
                on_block(raw.tell() - seen)
                seen = raw.tell()
            if first:
                text, first = text.lstrip("\ufeff"), False
            out.write(text.encode("utf-8", errors="surrogateescape"))
