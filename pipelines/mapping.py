"""Source mappings: how the columns of one export become the canonical ticket fields.

A built-in source (zendesk, salesforce, jira, canonical) is just a mapping shipped in
`pipelines/mappings/`; a user's `--mapping our_export.toml` uses the same mechanism. The mapping
names columns and values only; the SQL that applies it is built in `pipelines.normalize`.
"""
from __future__ import annotations

import fnmatch
import tomllib
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path

from core.errors import InputError
from pipelines.canonical_fields import CHANNELS, DERIVED_FIELDS, EXTRA_FIELDS, FIELDS, PRIORITIES, REQUIRED, STATUSES

BUILTIN_SOURCES = ("canonical", "zendesk", "zendesk_json", "salesforce", "salesforce_report", "jira")
FORMATS = ("csv", "parquet", "jsonl", "zendesk_json")
TIMESTAMP_KINDS = ("offset", "naive", "utc", "unix")
SHEET_DATE_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d")     # how core/workbooks.py writes date cells

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
    timestamps: str = "offset"                     # offset | naive | utc | unix (seconds or ms since 1970, UTC)
    timestamp_formats: tuple[str, ...] = ()        # strptime formats; empty = ISO 8601
    timezone: str | None = None                    # zone of naive timestamps, if fixed by the mapping
    month_names: dict[str, str] = field(default_factory=dict)  # localized -> English abbreviations
    list_separator: str = "|"
    fields: dict[str, FieldSpec] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)   # field -> lower(raw) -> canonical
    defaults: dict[str, str] = field(default_factory=dict)             # field -> value when blank
    resolved_statuses: tuple[str, ...] = ("solved", "closed")

    def reading_sheet_dates(self) -> "Mapping":
        """This mapping for a workbook's table, whose date cells are written in ISO 8601
        (core/workbooks.py): read after the mapping's own formats, which dates typed as text keep.
        (Without formats a mapping reads ISO 8601 already; a sheet's dates have no zone, so a
        mapping of offset timestamps rejects them, with its hint.)"""
        if not self.timestamp_formats or self.timestamps not in ("naive", "utc"):
            return self
        added = tuple(f for f in SHEET_DATE_FORMATS if f not in self.timestamp_formats)
        return replace(self, timestamp_formats=self.timestamp_formats + added)

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
    if path.is_dir():
        raise MappingError(f"{path}: is a directory, not a mapping file")
    if not path.exists():
        raise MappingError(f"{path}: mapping file not found")
    return parse_mapping(_with_base(_read_toml(path), path, depth=0), str(path))


def builtin_mapping(name: str) -> Mapping:
    return parse_mapping(_builtin_data(name), f"pipelines/mappings/{name}.toml")


def _builtin_data(name: str) -> dict:
    if name not in BUILTIN_SOURCES:
        raise MappingError(f"unknown source {name!r}; built-in sources: {', '.join(BUILTIN_SOURCES)}")
    text = resources.files("pipelines").joinpath("mappings", f"{name}.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def _read_toml(path: Path) -> dict:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise MappingError(f"{path}: not valid TOML: {exc}") from exc
    except UnicodeDecodeError as exc:
        raise MappingError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc


def _with_base(data: dict, path: Path, depth: int) -> dict:
    """`extends = "zendesk"` (a built-in source) or `extends = "other.toml"` (relative to this
    file): the base mapping with this file's keys laid over it. [fields] and each [values.X]
    table are merged key by key, so a mapping states only what differs."""
    base_name = data.get("extends")
    if base_name is None:
        return data
    if not isinstance(base_name, str) or depth > 5:
        raise MappingError(f"{path}: extends = {base_name!r}: expected a built-in source "
                           f"({', '.join(BUILTIN_SOURCES)}) or a mapping file, at most 5 deep")
    if base_name in BUILTIN_SOURCES:
        base = _builtin_data(base_name)
    else:
        base_path = (path.parent / base_name)
        if not base_path.is_file():
            raise MappingError(f"{path}: extends = {base_name!r}: neither a built-in source "
                               f"({', '.join(BUILTIN_SOURCES)}) nor a file at {base_path}")
        base = _with_base(_read_toml(base_path), base_path, depth + 1)
    return merge_mappings(base, {k: v for k, v in data.items() if k != "extends"})


def merge_mappings(base: dict, over: dict) -> dict:
    merged = {key: dict(value) if isinstance(value, dict) else value for key, value in base.items()}
    for key, value in over.items():
        if key == "values" and isinstance(value, dict):
            tables = {name: dict(table) for name, table in merged.get("values", {}).items()}
            for name, table in value.items():
                tables[name] = tables.get(name, {}) | dict(table)
            merged["values"] = tables
        elif isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = merged[key] | value
        else:
            merged[key] = value
    return merged


SOURCE_KEYS = ("name", "description", "format", "detect", "header_case", "timestamps", "timestamp_formats",
               "timezone", "month_names", "list_separator")
TOP_KEYS = ("source", "fields", "values", "defaults", "extends")
CLOSED_DEFAULTS = {"status": STATUSES, "priority": PRIORITIES, "channel": CHANNELS}


def parse_mapping(data: dict, origin: str) -> Mapping:
    _check_keys(data, origin)
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
    defaults = {k: _value_text(v) for k, v in data.get("defaults", {}).items()}
    for fname, value in defaults.items():
        if value not in CLOSED_DEFAULTS.get(fname, (value,)):
            raise MappingError(f"{origin}: [defaults] {fname} = {value!r}: allowed values are "
                               f"{', '.join(CLOSED_DEFAULTS[fname])}")
    return Mapping(
        name=name, origin=origin, format=fmt, description=src.get("description", ""),
        detect=tuple(src.get("detect", ())), header_case=src.get("header_case", "exact"),
        timestamps=kind, timestamp_formats=tuple(src.get("timestamp_formats", ())),
        timezone=src.get("timezone"), month_names=dict(src.get("month_names", {})),
        list_separator=src.get("list_separator", "|"), fields=fields, values=values,
        defaults=defaults,
    )


def _check_keys(data: dict, origin: str) -> None:
    """A misspelt key would otherwise be ignored without a word (`timezome = ...`)."""
    unknown = [k for k in data if k not in TOP_KEYS]
    if unknown:
        raise MappingError(f"{origin}: unknown key(s) {', '.join(map(repr, unknown))}; valid: {', '.join(TOP_KEYS)}")
    src = data.get("source", {})
    if not isinstance(src, dict):
        raise MappingError(f"{origin}: [source] must be a table")
    unknown = [k for k in src if k not in SOURCE_KEYS]
    if unknown:
        raise MappingError(f"{origin}: [source] unknown key(s) {', '.join(map(repr, unknown))}; "
                           f"valid: {', '.join(SOURCE_KEYS)}")
    if src.get("header_case", "exact") not in ("exact", "insensitive"):
        raise MappingError(f"{origin}: [source] header_case = {src['header_case']!r}; valid: exact, insensitive")


def _value_text(v: object) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)
