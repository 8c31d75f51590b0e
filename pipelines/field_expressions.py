"""SQL expressions over the raw, all-text columns of an export, for the normalising statement
(pipelines/normalize.py): a field's text with blank cells as NULL, the tags list, timestamps
parsed in their zone. Every value a mapping supplies is bound as a parameter (`Params`).
"""
from __future__ import annotations

from core.number_formats import GROUPED_COMMA, GROUPED_POINT, PLAIN_COMMA
from pipelines.mapping import FieldSpec, Mapping
from pipelines.readers import quote_ident


class Params:
    """Collects bound parameters under generated names."""

    def __init__(self) -> None:
        self.values: dict = {}

    def bind(self, value) -> str:
        name = f"p{len(self.values)}"
        self.values[name] = value
        return f"${name}"


class FieldExpressions:
    """SQL expressions that pick a field's raw text out of `raw_input`."""

    def __init__(self, mapping: Mapping, header: list[str], params: Params, absent: list[str]):
        self.mapping, self.header, self.p, self.absent = mapping, header, params, absent
        self.read_columns: list[str] = []     # the file's columns the expressions read, in order
        self._tag_list: str | None = None

    def _col(self, col: str) -> str:
        if col not in self.read_columns:
            self.read_columns.append(col)
        return _blank(col)

    def _present(self, spec: FieldSpec) -> list[str]:
        cols = []
        for wanted in spec.columns:
            actual = self.mapping.resolve_column(wanted, self.header)
            if actual is None:
                self.absent.append(wanted)
            else:
                cols.append(actual)
        return cols

    def columns_of(self, names: tuple[str, ...]) -> list[str]:
        out = []
        for name in names:
            spec = self.mapping.fields.get(name)
            if spec is not None:
                out += [c for w in spec.columns if (c := self.mapping.resolve_column(w, self.header))]
        return out

    def text(self, name: str, trimmed: bool = True) -> str:
        """The field's raw text; `trimmed=False` (a single column only) leaves surrounding spaces
        and cells of spaces as they are, for fields that are only ever cast."""
        spec = self.mapping.fields.get(name)
        if spec is None:
            return "CAST(NULL AS VARCHAR)"
        if spec.constant is not None:
            return self.p.bind(spec.constant)
        if spec.tag is not None:
            return f"CASE WHEN list_contains({self.tag_list()}, {self.p.bind(spec.tag.lower())}) THEN 'true' ELSE 'false' END"
        if spec.tag_prefix is not None:
            prefix = self.p.bind(spec.tag_prefix.lower())
            return (f"NULLIF(substr(list_filter({self.tag_list()}, lambda t: starts_with(t, {prefix}))[1], "
                    f"length({prefix}) + 1), '')")
        if spec.columns_like is not None:
            cols = self.mapping.columns_like(spec.columns_like, self.header)
            if not cols:
                self.absent.append(spec.columns_like)
                return "CAST(NULL AS VARCHAR)"
            return f"NULLIF(concat_ws(' ', {', '.join(self._col(c) for c in cols)}), '')"
        cols = self._present(spec)
        if not cols:
            return "CAST(NULL AS VARCHAR)"
        if not trimmed and len(cols) == 1:
            self._col(cols[0])
            return f"NULLIF({quote_ident(cols[0])}, '')"
        return f"coalesce({', '.join(self._col(c) for c in cols)})" if len(cols) > 1 else self._col(cols[0])

    def tag_list(self) -> str:
        """The row's tags as a lower-cased VARCHAR[] (empty list when there are none). Always the
        same text, parameters included: DuckDB splits a repeated expression of one projection
        once, so a flag read from the tags (Zendesk's escalated) costs no second split."""
        if self._tag_list is None:
            self._tag_list = self._build_tag_list()
        return self._tag_list

    def _build_tag_list(self) -> str:
        spec = self.mapping.fields.get("tags")
        if spec is None:
            return "CAST([] AS VARCHAR[])"
        if spec.columns_like is not None:
            cols = self.mapping.columns_like(spec.columns_like, self.header)
            if not cols:
                return "CAST([] AS VARCHAR[])"
            items = ", ".join(f"lower({self._col(c)})" for c in cols)
            return f"list_filter([{items}], lambda t: t IS NOT NULL)"
        cols = [c for w in spec.columns if (c := self.mapping.resolve_column(w, self.header))]
        if not cols:
            return "CAST([] AS VARCHAR[])"
        sep = self.p.bind(self.mapping.list_separator)
        text = self._col(cols[0])
        # Blank items can only come from a doubled, leading or trailing separator, or a space:
        # other values skip the (costly) filter.
        has_blank_items = (f"contains({text}, {sep} || {sep}) OR prefix({text}, {sep}) OR suffix({text}, {sep}) "
                           f"OR ({sep} <> ' ' AND contains({text}, ' '))")
        return (f"CASE WHEN {text} IS NULL THEN CAST([] AS VARCHAR[]) "
                f"WHEN {has_blank_items} THEN list_filter(string_split(lower({text}), {sep}), lambda t: trim(t) <> '') "
                f"ELSE string_split(lower({text}), {sep}) END")


class TimestampParser:
    def __init__(self, mapping: Mapping, timezone: str | None, params: Params):
        self.mapping, self.p = mapping, params
        self.zone_name = timezone or mapping.timezone or "UTC"
        self.zone = params.bind(self.zone_name)
        self.formats = params.bind(list(mapping.timestamp_formats)) if mapping.timestamp_formats else None

    def _fix_months(self, expr: str) -> str:
        for local, english in self.mapping.month_names.items():
            expr = f"replace({expr}, {self.p.bind(local)}, {self.p.bind(english)})"
        return expr

    def parse(self, column: str) -> str:
        kind = self.mapping.timestamps
        if kind == "offset":
            # An offset or Z is part of the canonical contract (" UTC" / " GMT" say the same); a bare
            # local time would be a guess.
            # (The suffix test first: it spares most values the regular expression.)
            return (f"CASE WHEN suffix({column}, 'Z') OR regexp_matches({column}, '([zZ]|[+-][0-9]{{2}}(:?[0-9]{{2}})?| (UTC|GMT))\\s*$') "
                    f"THEN TRY_CAST({column} AS TIMESTAMPTZ) END")
        if kind == "unix":
            return unix_time(column)
        parsed = (f"TRY_STRPTIME({self._fix_months(column)}, {self.formats})" if self.formats
                  else f"TRY_CAST({column} AS TIMESTAMP)")
        if kind == "utc" or self.zone_name == "UTC":
            # the same instant as timezone('UTC', ...), without a time-zone lookup per value (ICU's
            # conversion is three times the parse: 0.13 against 0.04 CPU-s per 1M values)
            return f"make_timestamptz(epoch_us({parsed}))"
        return f"timezone({self.zone}, {parsed})"


def unix_time(column: str) -> str:
    """A Unix time (seconds since 1970-01-01 UTC, a fraction allowed) as TIMESTAMPTZ; a number of
    12 digits or more is milliseconds (as seconds it would be after the year 5000). NULL where the
    cell is no number or beyond the year 5138 in milliseconds."""
    seconds = f"TRY_CAST({column} AS DOUBLE)"
    micros = f"CASE WHEN abs({seconds}) < 1e11 THEN {seconds} * 1e6 WHEN abs({seconds}) < 1e14 THEN {seconds} * 1e3 END"
    return f"make_timestamptz(TRY_CAST({micros} AS BIGINT))"


def is_blank(expr: str) -> str:
    """True for NULL, '' and cells of spaces (evaluate it after a cheaper test: it trims)."""
    return f"coalesce(trim({expr}), '') = ''"


def _blank(col: str) -> str:
    return blank_to_null(quote_ident(col))


def blank_to_null(expr: str) -> str:
    """NULLIF(trim(expr), ''), written so that trim runs only on values that start or end with a
    space: trim costs about as much as the CSV scan itself, and export cells rarely need it."""
    return (f"CASE WHEN {expr} = '' THEN NULL WHEN prefix({expr}, ' ') OR suffix({expr}, ' ') "
            f"THEN NULLIF(trim({expr}), '') ELSE {expr} END")


# Numbers as spreadsheets write them (core/number_formats.py reads a cell the same way in Python).
# Excel in a locale with the decimal comma writes 12,5 and 1.234,5 (and saves CSV with ';'); in
# others a formatted cell comes out as "1,234.5". A cell that casts as it is keeps its value,
# except in a decimal-comma file, where 1.234 is a thousand and 234: grouped forms go first there.
_GROUPED_POINT = rf"\s*{GROUPED_POINT}\s*"
_DECIMAL_COMMA = rf"\s*({GROUPED_COMMA}|{PLAIN_COMMA})\s*"


def number(raw: str, sql_type: str, p: Params, decimal_mark: str = ".", grouped: bool = False) -> str:
    """TRY_CAST(raw AS sql_type) with the file's decimal mark and, where its sample showed them
    (`grouped`), thousands separators (csv_dialect.detect_number_format); NULL where the cell is no
    number. A plain file keeps the bare cast: the fallback's test on every blank cell cost 7% of a
    Zendesk load's CPU."""
    if decimal_mark == ",":
        as_point = f"replace(replace({raw}, '.', ''), ',', '.')"
        return (f"coalesce(TRY_CAST(CASE WHEN regexp_full_match({raw}, {p.bind(_DECIMAL_COMMA)}) THEN {as_point} END "
                f"AS {sql_type}), TRY_CAST({raw} AS {sql_type}))")
    if grouped:
        return (f"coalesce(TRY_CAST({raw} AS {sql_type}), CASE WHEN regexp_full_match({raw}, {p.bind(_GROUPED_POINT)}) "
                f"THEN TRY_CAST(replace({raw}, ',', '') AS {sql_type}) END)")
    return f"TRY_CAST({raw} AS {sql_type})"
