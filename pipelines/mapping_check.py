"""`safetyops mapping check FILE --mapping M`: what loading FILE through M would do, writing nothing.

The file is loaded for real, by the loader itself, into a warehouse in memory that is thrown
away: the counts, reasons and notes are the ones a load would give, not an estimate.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from core.config import Config
from core.errors import InputError
from core.sql_files import sql_text
from core.warehouse import connect_memory
from pipelines.canonical_fields import BOOLEAN_VALUES, FALSE_WORDS, TRUE_WORDS
from pipelines.ingest import ingest_file
from pipelines.load_runs import LoadResult
from pipelines.mapping import Mapping, load_mapping
from pipelines.normalize import CLOSED_VOCABULARIES

EXAMPLES = 20


class MappingCheckFailed(InputError):
    """The mapping has errors, or no row of the file would load."""


@dataclass
class CheckReport:
    mapping: Mapping
    result: LoadResult
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    rejections: list[tuple] = field(default_factory=list)   # reason, column, value, rows, first line
    unmapped: list[tuple] = field(default_factory=list)     # note, raw value, rows

    @property
    def failed(self) -> bool:
        return bool(self.errors) or (self.result.rows_read > 0 and self.result.rows_loaded == 0)


def mapping_errors(mapping: Mapping, taxonomy: tuple[str, ...]) -> list[str]:
    """Value maps that send a raw value outside what the field allows."""
    errors = []
    allowed_by_field = dict(CLOSED_VOCABULARIES) | {"abuse_category": taxonomy}
    booleans = set(BOOLEAN_VALUES) | set(TRUE_WORDS) | set(FALSE_WORDS)
    for name, table in mapping.values.items():
        for raw, value in table.items():
            if name in allowed_by_field and value not in allowed_by_field[name]:
                errors.append(f"[values.{name}] {raw!r} = {value!r}: {value!r} is not an allowed {name} "
                              f"({', '.join(allowed_by_field[name])})")
            elif name in ("escalated", "high_profile") and value not in booleans:
                errors.append(f"[values.{name}] {raw!r} = {value!r}: expected true or false")
            elif name == "csat" and value not in ("", "1", "2", "3", "4", "5"):
                errors.append(f"[values.csat] {raw!r} = {value!r}: expected 1-5 or \"\" (no rating)")
    return errors


def check(path: Path, mapping_path: str, config: Config, timezone_name: str | None = None,
          encoding: str | None = None, delimiter: str | None = None, sheet: str | None = None) -> CheckReport:
    mapping = load_mapping(mapping_path)
    warnings = []
    if mapping.needs_timezone and not timezone_name:
        timezone_name = config.ingest_timezones.get(mapping.name) or config.ingest_timezone
        if not timezone_name:
            timezone_name = "UTC"
            warnings.append("the timestamps carry no UTC offset and no zone was given: read as UTC for this "
                            "check; pass --timezone (or set [source] timezone) when loading")
    con = connect_memory()
    try:
        result = ingest_file(con, path, config, mapping_path=mapping_path, timezone_name=timezone_name,
                             force=True, encoding=encoding, delimiter=delimiter, sheet=sheet)
        report = CheckReport(mapping, result, mapping_errors(mapping, config.taxonomy), warnings)
        report.rejections = [tuple(r) for r in con.execute(
            sql_text("pipelines", "check_rejections.sql"), {"limit": EXAMPLES}).fetchall()]
        report.unmapped = [tuple(r) for r in con.execute(
            "SELECT note, raw_value, n_rows FROM load_notes WHERE raw_value IS NOT NULL "
            "ORDER BY n_rows DESC, note, raw_value LIMIT $limit", {"limit": EXAMPLES}).fetchall()]
    finally:
        con.close()
    return report
