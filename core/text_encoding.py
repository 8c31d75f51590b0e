"""Which text encoding a file's first bytes are in: what Excel and help desks write (UTF-8 with or
without a BOM, "Unicode text" in UTF-16, a Windows code page). Used by the ingest's CSV dialect
(pipelines/csv_dialect.py) and by `detect-csv` (anomaly/series_text.py) on a bounded sample.
"""
from __future__ import annotations

import codecs
import re

import charset_normalizer

# Detector guesses for other scripts are taken as they are; a Latin-script guess (cp1250, cp1257,
# cp437, ... are as likely as cp1252 on a French or Portuguese sample) gives way to cp1252, the
# code page Excel writes in Western locales, when cp1252 decodes the sample.
_OTHER_SCRIPTS = ("cp1251", "koi8", "mac_cyrillic", "iso8859_5", "cp866", "cp855", "cp932", "shift_jis", "euc",
                  "gb", "big5", "cp949", "cp950", "johab", "cp1253", "iso8859_7", "cp1255", "iso8859_8", "cp1256",
                  "iso8859_6", "cp874", "tis", "iso2022", "hz")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def detect_encoding(sample: bytes, cut: bool = False) -> str:
    """A Python codec name for the text `sample` starts: a BOM's, UTF-16 without one (every other
    byte zero), UTF-8, or a legacy code page. `cut`: the sample ends inside the file, so its last
    character may be cut short."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"            # the codec reads the BOM and the byte order from it
    zeros_even, zeros_odd = sample[0:2000:2].count(0), sample[1:2000:2].count(0)
    if len(sample) >= 4 and max(zeros_even, zeros_odd) > len(sample[:2000]) // 4:
        return "utf-16-le" if zeros_odd > zeros_even else "utf-16-be"
    if sample.isascii() or _is_utf8(sample, cut):
        return "utf-8"
    invalid, multibyte = _utf8_counts(sample)
    # A sample with valid multi-byte sequences is UTF-8 even with a stray byte or two (those lines
    # are rejected); one with invalid bytes and no valid sequence is in a single-byte code page.
    if multibyte >= invalid:
        return "utf-8"
    return _legacy_encoding(sample)


def _is_utf8(sample: bytes, cut: bool) -> bool:
    """Valid UTF-8, but for a character the end of the sample may cut."""
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.reason == "unexpected end of data" and cut
    return True


def _utf8_counts(sample: bytes) -> tuple[int, int]:
    """(invalid byte sequences, valid non-ASCII characters) of the sample read as UTF-8."""
    text = codecs.getincrementaldecoder("utf-8")(errors="replace").decode(sample, final=False)
    invalid = text.count("\ufffd")
    return invalid, len(_NON_ASCII.findall(text)) - invalid


def _legacy_encoding(sample: bytes) -> str:
    best = charset_normalizer.from_bytes(sample[:256 * 1024]).best()
    guess = codecs.lookup(best.encoding).name if best is not None else None
    if guess and guess.startswith(_OTHER_SCRIPTS) and best.coherence > 0:
        return guess
    # (the five bytes cp1252 leaves undefined are rejected with their line)
    return "cp1252"
