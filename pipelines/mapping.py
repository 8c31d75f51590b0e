"""Source mappings: how the columns of one export become the canonical ticket fields.

A built-in source (zendesk, salesforce, jira, canonical) is just a mapping shipped in
`pipelines/mappings/`; a user's `--mapping our_export.toml` uses the same mechanism. The mapping
names columns and values only; the SQL that applies it is built in `pipelines.normalize`.
"""
from __future__ import annotations

import fnmatch
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from core.errors import InputError

BUILTIN_SOURCES = ("canonical", "zendesk", "zendesk_json", "salesforce", "jira")
FORMATS = ("csv", "parquet", "jsonl", "zendesk_json")
TIMESTAMP_KINDS = ("offset", "naive", "utc")

# Canonical fields a mapping may fill, and the extra inputs that derive them.
REQUIRED_FIELDS = ("ticket_id", "created_at", "status")
TIMESTAMP_FIELDS = ("created_at", "updated_at", "first_response_at", "resolved_at")
DERIVED_FIELDS = ("first_response_minutes", "resolution_hours", "reporter", "agent", "subject", "description")
TEXT_FIELDS = ("subject", "description")
CANONICAL_FIELDS = (
    "ticket_id", "created_at", "updated_at", "first_response_at", "resolved_at", "status", "priority",
    "channel", "abuse_category", "region", "language", "vendor", "queue", "agent_id", "escalated",
    "high_profile", "reopen_count", "qa_score", "csat", "reporter_hash", "tags",
)
MAPPABLE_FIELDS = CANONICAL_FIELDS + DERIVED_FIELDS
VALUE_MAPPED_FIELDS = ("status", "priority", "channel", "abuse_category", "region", "language",
                       "vendor", "queue", "escalated", "high_profile", "csat")


class MappingError(InputError):
    """A mapping file is malformed, or a file's header does not fit the mapping."""


@dataclass(frozen=True)
class FieldSpec:
    """Where one canonical field comes from. Exactly one of the kinds is set."""
    columns: tuple[str, ...] = ()        # first non-empty of these columns
    columns_like: str | None = None      # every column matching a glob, joined (repeated Labels)
    tag: str | None = None               # boolean: this tag is present
    tag_prefix: str | None = None        # value of the first tag with this prefix, prefix removed
    constant: str | None = None

    @classmethod
    def parse(cls, name: str, raw: object, where: str) -> "FieldSpec":
        if isinstance(raw, str):
            return cls(columns=(raw,))
        if isinstance(raw, list) and raw and all(isinstance(c, str) for c in raw):
            return cls(columns=tuple(raw))
        if isinstance(raw, dict) and len(raw) == 1:
            (kind, value), = raw.items()
            if kind == "column" and isinstance(value, str):
                return cls(columns=(value,))
            if kind in ("columns_like", "tag", "tag_prefix", "constant") and isinstance(value, (str, bool, int)):
                return cls(**{kind: str(value).lower() if isinstance(value, bool) else str(value)})
        raise MappingError(f"{where}: [fields] {name} = {raw!r}: expected a column name, a list of "
                           "columns, or one of {column, columns_like, tag, tag_prefix, constant}")

    def referenced_columns(self) -> tuple[str, ...]:
        return self.columns


@dataclass(frozen=True)
class Mapping:
    name: str
    origin: str                                    # file the mapping came from, for messages
    format: str = "csv"
    description: str = ""
    detect: tuple[str, ...] = ()                   # header columns that identify this source
    header_case: str = "exact"                     # exact | insensitive
    timestamps: str = "offset"                     # offset | naive | utc
    timestamp_formats: tuple[str, ...] = ()        # strptime formats; empty = ISO 8601
    timezone: str | None = None                    # zone of naive timestamps, if fixed by the mapping
    month_names: dict[str, str] = field(default_factory=dict)  # localized -> English abbreviations
    list_separator: str = "|"
    fields: dict[str, FieldSpec] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)   # field -> lower(raw) -> canonical
    defaults: dict[str, str] = field(default_factory=dict)             # field -> value when blank
    resolved_statuses: tuple[str, ...] = ("solved", "closed")

    @property
    def needs_timezone(self) -> bool:
        return self.timestamps == "naive" and self.timezone is None

    def required_columns(self) -> list[str]:
        cols = []
        for name in REQUIRED_FIELDS:
            spec = self.fields.get(name)
            if spec is not None and spec.columns:
                cols.append(spec.columns[0])
        return cols

    def matches_header(self, header: list[str]) -> bool:
        present = _normalised_set(header, self.header_case)
        return bool(self.detect) and all(_norm(c, self.header_case) in present for c in self.detect)

    def missing_columns(self, header: list[str]) -> list[str]:
        """Columns the mapping needs that the header lacks (required fields and detect list)."""
        present = _normalised_set(header, self.header_case)
        wanted = list(dict.fromkeys(self.required_columns() + list(self.detect)))
        return [c for c in wanted if _norm(c, self.header_case) not in present]

    def resolve_column(self, wanted: str, header: list[str]) -> str | None:
        """The header's spelling of a mapped column (case-insensitive sources), or None."""
        for h in header:
            if _norm(h, self.header_case) == _norm(wanted, self.header_case):
                return h
        return None

    def columns_like(self, pattern: str, header: list[str]) -> list[str]:
        return [h for h in header if fnmatch.fnmatchcase(_norm(h, self.header_case), _norm(pattern, self.header_case))]


def _norm(name: str, case: str) -> str:
    name = name.strip()
    return name.lower() if case == "insensitive" else name


def _normalised_set(header: list[str], case: str) -> set[str]:
    return {_norm(h, case) for h in header}


def load_mapping(path: str | Path) -> Mapping:
    path = Path(path)
    if not path.exists():
        raise MappingError(f"{path}: mapping file not found")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise MappingError(f"{path}: not valid TOML: {exc}") from exc
    return parse_mapping(data, str(path))


def builtin_mapping(name: str) -> Mapping:
    if name not in BUILTIN_SOURCES:
        raise MappingError(f"unknown source {name!r}; built-in sources: {', '.join(BUILTIN_SOURCES)}")
    text = resources.files("pipelines").joinpath("mappings", f"{name}.toml").read_text(encoding="utf-8")
    return parse_mapping(tomllib.loads(text), f"pipelines/mappings/{name}.toml")


def parse_mapping(data: dict, origin: str) -> Mapping:
    src = data.get("source", {})
    name = src.get("name")
    if not name or not isinstance(name, str):
        raise MappingError(f"{origin}: [source] name is required")
    fmt = src.get("format", "csv")
    if fmt not in FORMATS:
        raise MappingError(f"{origin}: [source] format = {fmt!r}; valid: {', '.join(FORMATS)}")
    kind = src.get("timestamps", "offset")
    if kind not in TIMESTAMP_KINDS:
        raise MappingError(f"{origin}: [source] timestamps = {kind!r}; valid: {', '.join(TIMESTAMP_KINDS)}")
    fields = {}
    for fname, raw in data.get("fields", {}).items():
        if fname not in MAPPABLE_FIELDS:
            raise MappingError(f"{origin}: [fields] unknown field {fname!r}; valid: {', '.join(MAPPABLE_FIELDS)}")
        fields[fname] = FieldSpec.parse(fname, raw, origin)
    for required in REQUIRED_FIELDS:
        if required not in fields:
            raise MappingError(f"{origin}: [fields] {required} is required")
    values = {}
    for fname, table in data.get("values", {}).items():
        if fname not in VALUE_MAPPED_FIELDS:
            raise MappingError(f"{origin}: [values.{fname}] cannot be value-mapped; "
                               f"valid: {', '.join(VALUE_MAPPED_FIELDS)}")
        values[fname] = {str(k).strip().lower(): _value_text(v) for k, v in table.items()}
    return Mapping(
        name=name, origin=origin, format=fmt, description=src.get("description", ""),
        detect=tuple(src.get("detect", ())), header_case=src.get("header_case", "exact"),
        timestamps=kind, timestamp_formats=tuple(src.get("timestamp_formats", ())),
        timezone=src.get("timezone"), month_names=dict(src.get("month_names", {})),
        list_separator=src.get("list_separator", "|"), fields=fields, values=values,
        defaults={k: _value_text(v) for k, v in data.get("defaults", {}).items()},
    )


def _value_text(v: object) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)
