"""Deciding which mapping reads a file: an explicit --mapping, a named --source, or the header."""
from __future__ import annotations

from pathlib import Path

from core.config import Config
from pipelines.csv_dialect import CsvDialect
from pipelines.personal_data import shown_columns
from pipelines.mapping import BUILTIN_SOURCES, Mapping, MappingError, builtin_mapping, load_mapping
from pipelines.readers import file_kind, sniff_header

MILESTONES = "salesforce_milestones"
MILESTONE_COLUMNS = ("caseid", "milestonetype.name", "completiondate", "targetdate")
# Order matters only for headers that would fit several; the detect lists do not overlap.
AUTO_CSV_SOURCES = ("canonical", "zendesk", "salesforce", "salesforce_report", "jira")


class UnknownSource(MappingError):
    """The header fits no known source, or the named source does not fit the file."""


def is_milestone_extract(path: Path, source: str, dialect: CsvDialect | None = None) -> bool:
    """A Salesforce CaseMilestone extract (first responses), loaded by its own loader."""
    if source not in ("auto", "salesforce", MILESTONES) or file_kind(path) != "csv":
        return False
    header = {h.strip().lower() for h in sniff_header(path, dialect)}
    return all(c in header for c in MILESTONE_COLUMNS)


def mapping_for(path: Path, source: str, mapping_path: str | None, config: Config,
                dialect: CsvDialect | None = None) -> Mapping:
    if mapping_path:
        mapping = load_mapping(mapping_path)
        _check_fits(path, mapping, dialect)
        return mapping
    kind = file_kind(path)
    if source == "auto":
        return _detect(path, kind, config, dialect)
    mapping = _named(source, config, kind)
    _check_fits(path, mapping, dialect)
    return mapping


def _named(source: str, config: Config, kind: str) -> Mapping:
    if source in config.source_mappings:
        return load_mapping(config.source_mappings[source])
    if source == "zendesk" and kind in ("json", "jsonl"):
        return builtin_mapping("zendesk_json")
    if source == "salesforce" and kind == "csv":
        return builtin_mapping("salesforce")
    if source in BUILTIN_SOURCES:
        return _with_format(builtin_mapping(source), kind)
    valid = sorted(set(BUILTIN_SOURCES) - {"zendesk_json"} | set(config.source_mappings))
    raise UnknownSource(f"unknown source {source!r}; valid: auto, {', '.join(valid)}")


def _with_format(mapping: Mapping, kind: str) -> Mapping:
    """The canonical mapping reads CSV, Parquet and JSON lines alike."""
    if mapping.name == "canonical" and kind in ("parquet", "jsonl"):
        from dataclasses import replace
        return replace(mapping, format=kind)
    return mapping


def _detect(path: Path, kind: str, config: Config, dialect: CsvDialect | None = None) -> Mapping:
    if kind == "parquet" or kind == "jsonl" and not _looks_like_zendesk_jsonl(path):
        return _with_format(builtin_mapping("canonical"), kind)
    if kind in ("json", "jsonl"):
        return builtin_mapping("zendesk_json")
    header = sniff_header(path, dialect)
    candidates = [load_mapping(p) for p in config.source_mappings.values()]
    candidates += [builtin_mapping(name) for name in AUTO_CSV_SOURCES]
    for mapping in candidates:
        if mapping.matches_header(header):
            return mapping
    raise UnknownSource(_unknown_header_message(path, header, candidates, _header_line(dialect)))


def _looks_like_zendesk_jsonl(path: Path) -> bool:
    with open(path, "r", encoding="utf-8-sig") as fh:
        first = fh.readline()
    return '"via"' in first or '"requester_id"' in first


def _check_fits(path: Path, mapping: Mapping, dialect: CsvDialect | None = None) -> None:
    if mapping.format != "csv":
        return
    header = sniff_header(path, dialect)
    missing = mapping.missing_columns(header)
    if missing:
        raise UnknownSource(
            f"{path}: line {_header_line(dialect)}: not a {mapping.name} export ({mapping.origin}): missing required "
            f"column(s) {', '.join(repr(c) for c in missing)}; columns found: "
            f"{_shown(header, [mapping], _header_line(dialect))}")


def _header_line(dialect: CsvDialect | None) -> int:
    return dialect.header_line if dialect is not None else 1


def _unknown_header_message(path: Path, header: list[str], candidates: list[Mapping], header_line: int = 1) -> str:
    lines = [f"{path}: line {header_line}: cannot tell which help desk exported this file. "
             f"Columns found: {_shown(header, candidates, header_line)}."]
    for mapping in candidates:
        missing = mapping.missing_columns(header)
        lines.append(f"  {mapping.name}: missing {', '.join(repr(c) for c in missing)}")
    lines.append("Pass --source NAME, or describe the columns with --mapping FILE.toml; "
                 f"`safetyops mapping draft {path} > mine.toml` writes a first one to correct.")
    return "\n".join(lines)


def _shown(header: list[str], mappings: list[Mapping], header_line: int = 1) -> str:
    """The header for a message, naming only columns a mapping knows (personal_data.shown_columns)."""
    known = [c for m in mappings for c in (*m.detect, *(col for spec in m.fields.values()
                                                        for col in spec.referenced_columns()))]
    return shown_columns(header, known, header_line=header_line)
