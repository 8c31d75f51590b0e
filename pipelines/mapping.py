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
from pipelines.canonical_fields import DERIVED_FIELDS, EXTRA_FIELDS, FIELDS, REQUIRED

BUILTIN_SOURCES = ("canonical", "zendesk", "zendesk_json", "salesforce", "salesforce_report", "jira")
FORMATS = ("csv", "parquet", "jsonl", "zendesk_json")
TIMESTAMP_KINDS = ("offset", "naive", "utc")

# Canonical fields a mapping may fill, and the extra inputs that derive them.
REQUIRED_FIELDS = REQUIRED
TIMESTAMP_FIELDS = ("created_at", "updated_at", "first_response_at", "resolved_at")
TEXT_FIELDS = ("subject", "description")
CANONICAL_FIELDS = tuple(f.name for f in FIELDS)
MAPPABLE_FIELDS = CANONICAL_FIELDS + tuple(DERIVED_FIELDS) + tuple(EXTRA_FIELDS)
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

    def matches_header(self, header: list[str]) -> bool:
        """The header has the columns that identify this source: its detect list and the columns
        of the required fields. Any other column may be missing (it is left blank)."""
        return bool(self.detect) and not self.missing_columns(header)

    def missing_columns(self, header: list[str]) -> list[str]:
        """Columns the mapping cannot do without that the header lacks: the detect list, and for
        each required field read from columns, its first column when none of them is there."""
        wanted = list(self.detect)
        for name in REQUIRED_FIELDS:
            spec = self.fields.get(name)
            if spec is not None and spec.columns and not any(self.resolve_column(c, header) for c in spec.columns):
                wanted.append(spec.columns[0])
        return [c for c in dict.fromkeys(wanted) if self.resolve_column(c, header) is None]

    def resolve_column(self, wanted: str, header: list[str]) -> str | None:
        """The header's spelling of a mapped column (case-insensitive sources), or None. A Zendesk
        custom field is found by its title: "Abuse type" finds "Abuse type [list]" and the other way round."""
        target = _norm(wanted, self.header_case)
        for h in header:
            if _norm(h, self.header_case) == target:
                return h
        title = _norm(_without_type_suffix(wanted), self.header_case)
        for h in header:
            if _norm(_without_type_suffix(h), self.header_case) == title:
                return h
        return None

    def has_data_for(self, name: str, header: list[str]) -> bool:
        """Whether this file can fill mapping field `name` (mapped, and its columns present)."""
        spec = self.fields.get(name)
        if spec is None:
            return False
        if spec.constant is not None:
            return True
        if spec.tag is not None or spec.tag_prefix is not None:
            return self.has_data_for("tags", header)
        if spec.columns_like is not None:
            return bool(self.columns_like(spec.columns_like, header))
        return any(self.resolve_column(c, header) for c in spec.columns)

    def fields_without_data(self, header: list[str]) -> list[str]:
        """Canonical fields this file cannot fill, by itself or through a field that derives it."""
        return [f.name for f in FIELDS
                if not any(self.has_data_for(n, header) for n in (f.name,) + f.filled_by)]

    def columns_like(self, pattern: str, header: list[str]) -> list[str]:
        return [h for h in header if fnmatch.fnmatchcase(_norm(h, self.header_case), _norm(pattern, self.header_case))]


def _norm(name: str, case: str) -> str:
    name = name.strip()
    return name.lower() if case == "insensitive" else name


def _without_type_suffix(name: str) -> str:
    """A Zendesk custom field's header, "Title [type]", without its " [type]"."""
    name = name.strip()
    if name.endswith("]") and " [" in name:
        return name[:name.rindex(" [")]
    return name


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
