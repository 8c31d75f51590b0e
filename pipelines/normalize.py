"""Turn `raw_input` (all text) into canonical tickets plus rejected rows, in one SQL pass.

The statement is built from the mapping because column names come from the export's header;
every value the mapping supplies (formats, zones, value maps, tags) is a bound
parameter. Steps, as named CTEs: source_fields (pick columns) -> parsed (cast with TRY_ functions)
-> checked (first failing rule per row) -> noted (what the load reports) -> INSERT INTO tickets; a
rejected row's reason, column, value (and, for sources that number their own records, its line and
raw record) ride in the JSON `load_detail` until pipelines/ingest.py moves them out.

The first pass over a CSV, Parquet or JSON-lines file runs unordered, on every core, and knows no
line numbers: a rejected row keeps only a hash of the raw values it was built from. The rows whose
line matters (rejected ones, and versions of a ticket that tie within the file) are then read again
by a `reorder` pass over `ingest_numbered` (the file with its lines, see readers.numbered_view),
which picks them out by that hash or by ticket id.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from pipelines.canonical_fields import CHANNELS, EXTRA_FIELDS, FALSE_WORDS, PRIORITIES, STATUSES, TRUE_WORDS
from pipelines.field_expressions import FieldExpressions, Params, TimestampParser, blank_to_null, is_blank, number
from pipelines.mapping import Mapping
from pipelines.personal_data import RecordColumns, record_columns as personal_record_columns
from pipelines.personal_data import record_json
from pipelines.readers import quote_ident
from pipelines.sql_functions import AGENT_ID_FUNCTION, REPORTER_HASH_FUNCTION
from pipelines.clock_durations import DURATION_FIELDS, SQL_CLOCK_PATTERN, clock_or_number
from pipelines.reject_reasons import NOTE_FLAGS, reject_column_case, reject_value_case
from core.sql_files import bound_params

EPOCH = "1970-01-01 00:00:00+00"
READ_LINE = "__line"     # the line column of ingest_numbered
# Fields only ever cast (TRY_CAST and strptime skip surrounding spaces), so their cells are not
# trimmed: the blank-cell test costs as much as the cast. A cell of spaces only is told apart
# where a value fails to parse.
CAST_FIELDS = ("created_at", "updated_at", "first_response_at", "resolved_at", "first_response_minutes",
               "first_response_hours", "first_response_seconds", "resolution_hours", "resolution_minutes",
               "resolution_seconds", "reopen_count",
               "qa_score") + tuple(EXTRA_FIELDS)
# Fields looked up in a vocabulary or value map, or trimmed where they are finished: their cells
# are not trimmed first either. A value not found as it is is looked up again trimmed, and a cell
# of spaces only is told apart where no value was found. (The trailing-space test alone cost a
# tenth of the canonical statement's CPU over these eleven fields.)
LOOKUP_FIELDS = ("status", "priority", "channel", "abuse_category", "escalated", "high_profile", "region",
                 "language", "vendor", "queue", "csat")


CLOSED_VOCABULARIES = {"status": STATUSES, "priority": PRIORITIES, "channel": CHANNELS}


def outside_allowed(mapping: Mapping) -> dict[str, list[str]]:
    """field -> the raw values (lower-cased) its value map sends outside the allowed values."""
    return {name: [raw for raw, value in mapping.values.get(name, {}).items() if value not in allowed]
            for name, allowed in CLOSED_VOCABULARIES.items()}


@dataclass
class NormalizePlan:
    sql: str
    params: dict = field(default_factory=dict)
    absent_columns: list[str] = field(default_factory=list)   # mapped, optional, not in the file
    record_columns: RecordColumns | None = None               # what a rejected line's raw record holds


def value_lookup(p: Params, table: dict[str, str], raw: str) -> str:
    """table[lower(trim(raw))]. Values already spelled as their canonical value skip the map: a
    constant IN list costs a third of a map lookup, and every value of a canonical export is
    such a value. Only values not found as they are get trimmed (see LOOKUP_FIELDS).
    values[list_position(keys, x)], not map(keys, values)[x]: the same value (NULL for NULL or
    a value not in the table), at three quarters of the map's cost (benchmarks/README.md)."""
    keys, values = p.bind(list(table)), p.bind(list(table.values()))
    lookup = (f"coalesce({values}[list_position({keys}, lower({raw}))], CASE WHEN prefix({raw}, ' ') "
              f"OR suffix({raw}, ' ') THEN {values}[list_position({keys}, lower(trim({raw})))] END)")
    as_is = [key for key, value in table.items() if key == value == key.lower()]
    if not as_is:
        return lookup
    return f"CASE WHEN {raw} IN ({', '.join(p.bind(v) for v in as_is)}) THEN {raw} ELSE {lookup} END"


def _renamed_repeat(column: str, header: list[str]) -> bool:
    """Whether DuckDB named `column` for a repeated header name ("Labels_1" for a second "Labels")."""
    base, _, number = column.rpartition("_")
    return number.isdigit() and base.lower() in {h.lower() for h in header}


def build_plan(mapping: Mapping, header: list[str], timezone: str | None,
               taxonomy: tuple[str, ...], category_aliases: dict[str, str],
               keep_text: bool = False, line_expression: str = "CAST(NULL AS BIGINT)",
               with_raw_record: bool = True, reorder: bool = False,
               number_format: tuple[str, bool] = (".", False),
               clock_fields: frozenset[str] = frozenset()) -> NormalizePlan:
    """The normalising statement for one file. Ticket text (subject, description) is carried
    only when `keep_text` (the config allows storing it); otherwise it never leaves raw_input.

    `reorder`: read only the rows listed in ingest_reorder_hashes (by raw-value hash) or
    ingest_tied (by ticket id) from `ingest_numbered`, with their lines and raw records.
    `number_format`: (decimal mark, thousands separators seen) of the file's numbers (csv_dialect).
    `clock_fields`: duration fields whose column holds clocks like 1:30:00 (pipelines/clock_durations.py)."""
    if reorder:
        line_expression, with_raw_record = READ_LINE, True
    p = Params()
    absent: list[str] = []
    builder = FieldExpressions(mapping, header, p, absent)
    ts = TimestampParser(mapping, timezone, p)

    picks = {name: builder.text(name, trimmed=name not in CAST_FIELDS + LOOKUP_FIELDS) for name in (
        "ticket_id", "created_at", "updated_at", "first_response_at", "resolved_at",
        "first_response_minutes", "first_response_hours", "first_response_seconds", "resolution_hours",
        "resolution_minutes", "resolution_seconds", "status",
        "priority", "channel", "abuse_category", "region", "language", "vendor", "queue", "agent_id", "agent",
        "escalated", "high_profile", "reopen_count", "qa_score", "csat", "reporter_hash", "reporter")}
    for name in ("subject", "description"):
        picks[name] = builder.text(name) if keep_text else "CAST(NULL AS VARCHAR)"
    picks["tags"] = builder.tag_list()
    # Business-hours and wait-time minutes are kept as their own figures in desk_minutes, only when
    # the export has them (a load without them writes nothing there): never mixed into calendar metrics.
    extras = [name for name in EXTRA_FIELDS if mapping.has_data_for(name, header)]
    for name in extras:
        picks[name] = builder.text(name, trimmed=False)

    def num(raw: str, sql_type: str = "DOUBLE") -> str:
        return number(raw, sql_type, p, *number_format)

    def duration(name: str) -> str:
        raw = f"raw_{name}"
        if name not in clock_fields:
            return num(raw)
        return clock_or_number(raw, name.rsplit("_", 1)[1], num(raw), p.bind(SQL_CLOCK_PATTERN))

    durations = ",\n        ".join(f"{duration(name)} AS {name}" for name in DURATION_FIELDS)

    def unparseable_durations(what: str) -> str:
        """A rule per unit of a duration input: a cell that reads as neither a number nor a clock."""
        return "\n            ".join(
            f"WHEN {what}_{unit} IS NULL AND NOT {is_blank(f'raw_{what}_{unit}')} "
            f"THEN 'unparseable {what.replace('_', ' ')} {unit}'" for unit in ("minutes", "hours", "seconds"))

    extra_columns = ""
    if extras:     # (schema.sql says why a list, in EXTRA_FIELDS' order)
        figures = ", ".join(f"CASE WHEN {num(f'raw_{name}')} >= 0 THEN {num(f'raw_{name}')} END"
                            if name in extras else "CAST(NULL AS DOUBLE)" for name in EXTRA_FIELDS)
        extra_columns = f",\n    [{figures}] AS desk_minutes"

    category_map = {t: t for t in taxonomy}
    category_map.update(category_aliases)
    category_map.update(mapping.values.get("abuse_category", {}))
    # Only categories of the taxonomy can come out; a mapping to anything else counts as unmapped.
    category_map = {k: v for k, v in category_map.items() if v in taxonomy}

    def mapped(name: str, canonical: tuple[str, ...] | None = None) -> str:
        """Value map lookup on lower(trim(raw)). Closed vocabularies (`canonical` given) map their
        own values to themselves and give NULL for anything else; open ones keep unmapped values."""
        table = dict(mapping.values.get(name, {}))
        if canonical:       # a raw value mapped outside the vocabulary is rejected (outside_test)
            table = {raw: value for raw, value in table.items() if value in canonical}
        for c in canonical or ():
            table.setdefault(c, c)
        if not table:
            return f"raw_{name}"
        lookup = value_lookup(p, table, f"raw_{name}")
        return lookup if canonical else f"coalesce({lookup}, raw_{name})"

    def outside_test(name: str) -> str:
        """True for a raw value the mapping maps outside the field's allowed values."""
        keys = outside_allowed(mapping).get(name)
        if not keys:
            return "false"
        return f"lower(trim(raw_{name})) IN ({', '.join(p.bind(k) for k in keys)})"

    def boolean(name: str) -> str:
        table = {w: "true" for w in TRUE_WORDS} | {w: "false" for w in FALSE_WORDS}
        table.update(mapping.values.get(name, {}))
        return value_lookup(p, table, f"raw_{name}")

    def default(name: str, fallback: str | None) -> str:
        return f"CAST({p.bind(mapping.defaults.get(name, fallback))} AS VARCHAR)"

    select_fields = ",\n            ".join(f"{expr} AS raw_{name}" for name, expr in picks.items())
    # The raw values each row is built from, passed through untouched (free in a projection) so
    # that only rejected rows pay for hashing them.
    read_columns = builder.read_columns
    pass_through = "".join(f",\n            {quote_ident(c)} AS __read_{i}" for i, c in enumerate(read_columns))
    row_hash = f"hash({', '.join(f'__read_{i}' for i in range(len(read_columns)))})" if read_columns else "NULL"
    # A spreadsheet's trailing ",,,," rows: rejected as what they are, not as tickets without an id
    # (tested only where the id is missing).
    every_cell_blank = " AND ".join(is_blank(f"__read_{i}") for i in range(len(read_columns))) or "true"
    # Two exports joined with `cat` carry the second one's header as a row: named as such, not as
    # a date no format reads (tested only where created_at did not parse). Columns DuckDB renamed
    # (a repeated name: Jira's "Labels", "Labels_1") are left out of the comparison.
    # (the second file's byte-order mark, if it has one, opens the row's first cell, and the quotes
    # after it are then part of the cell)
    is_header_row = " AND ".join(f"trim(replace(__read_{i}, chr(65279), ''), '\" ') = {p.bind(c.strip())}"
                                 for i, c in enumerate(read_columns) if not _renamed_repeat(c, header)) or "false"
    source = "raw_input"
    if reorder:
        file_hash = f"hash({', '.join(quote_ident(c) for c in read_columns)})" if read_columns else "NULL"
        source = (f"ingest_numbered WHERE {file_hash} IN (SELECT row_hash FROM ingest_reorder_hashes) "
                  f"OR {picks['ticket_id']} IN (SELECT ticket_id FROM ingest_tied)")
    text_columns = builder.columns_of(("subject", "description"))
    record_columns = personal_record_columns(header, builder.columns_of(("reporter",)), text_columns)

    def raw_record() -> str:
        """The rejected row as JSON, when this pass keeps it (see raw_records.py): otherwise only
        the columns the mapping uses are read here, and the reorder pass builds the record."""
        if not with_raw_record:
            return "CAST(NULL AS VARCHAR)"
        return record_json(record_columns, lambda col: f"raw_row.{quote_ident(col)}", p.bind, REPORTER_HASH_FUNCTION)
    raw_row = (f"struct_pack({', '.join(f'{quote_ident(c)} := {quote_ident(c)}' for c in record_columns.kept)})"
               if with_raw_record and record_columns.kept else "NULL")
    csat_text = mapped("csat") if "csat" in mapping.values else "raw_csat"
    # A blank priority is worth a note only where the export has the column; a field it lacks
    # altogether is named once in the load summary instead (LoadResult.missing_fields).
    priority_in_file = "true" if mapping.has_data_for("priority", header) else "false"
    # Likewise a category the export lacks: no per-row note repeating it (each noted row also costs
    # a load_detail object). Solved tickets without a date keep their note: it counts them.
    category_in_file = "true" if mapping.has_data_for("abuse_category", header) else "false"
    sql = f"""
INSERT INTO tickets BY NAME
WITH source_fields AS (
    SELECT {line_expression} AS line_number,
            {select_fields},
            {raw_row} AS raw_row{pass_through}
    FROM {source}
),
parsed AS (
    SELECT *,
        {ts.parse('raw_created_at')} AS created_parsed,
        {ts.parse('raw_updated_at')} AS updated_parsed,
        {ts.parse('raw_resolved_at')} AS resolved_parsed,
        {ts.parse('raw_first_response_at')} AS first_response_parsed,
        {durations},
        {mapped('status', STATUSES)} AS status_mapped,
        {mapped('priority', PRIORITIES)} AS priority_mapped,
        {mapped('channel', CHANNELS)} AS channel_mapped,
        {value_lookup(p, category_map, 'raw_abuse_category')} AS category_mapped,
        {mapped('region')} AS region_mapped,
        {mapped('language')} AS language_mapped,
        {mapped('vendor')} AS vendor_mapped,
        {mapped('queue')} AS queue_mapped,
        {boolean('escalated')} AS escalated_text,
        {boolean('high_profile')} AS high_profile_text,
        {num('raw_reopen_count', 'INTEGER')} AS reopen_parsed,
        {num('raw_qa_score')} AS qa_parsed,
        {blank_to_null(csat_text)} AS csat_text
    FROM source_fields
),
dated AS (
    SELECT *,
        created_parsed < TIMESTAMPTZ '{EPOCH}' AS is_placeholder_created,
        resolved_parsed < TIMESTAMPTZ '{EPOCH}' AS is_placeholder_resolved,
        first_response_parsed < TIMESTAMPTZ '{EPOCH}' AS is_placeholder_first_response,
        updated_parsed < TIMESTAMPTZ '{EPOCH}' AS is_placeholder_updated,
        CASE WHEN created_parsed >= TIMESTAMPTZ '{EPOCH}' THEN created_parsed END AS created_at,
        CASE WHEN resolved_parsed >= TIMESTAMPTZ '{EPOCH}' THEN resolved_parsed END AS resolved_given_at,
        CASE WHEN first_response_parsed >= TIMESTAMPTZ '{EPOCH}' THEN first_response_parsed END AS first_response_given_at,
        CASE WHEN updated_parsed >= TIMESTAMPTZ '{EPOCH}' THEN updated_parsed END AS updated_given_at,
        TRY_CAST(csat_text AS INTEGER) AS csat_parsed
    FROM parsed
),
derived AS (
    SELECT *,
        coalesce(first_response_given_at,
                 created_at + to_microseconds(CAST(round(first_response_minutes * 60e6) AS BIGINT)),
                 created_at + to_microseconds(CAST(round(first_response_hours * 3600e6) AS BIGINT)),
                 created_at + to_microseconds(CAST(round(first_response_seconds * 1e6) AS BIGINT)))
            AS first_response_at,
        coalesce(resolved_given_at,
                 created_at + to_microseconds(CAST(round(resolution_hours * 3600e6) AS BIGINT)),
                 created_at + to_microseconds(CAST(round(resolution_minutes * 60e6) AS BIGINT)),
                 created_at + to_microseconds(CAST(round(resolution_seconds * 1e6) AS BIGINT)))
            AS resolved_any_at,
        coalesce(status_mapped, CASE WHEN {is_blank('raw_status')} THEN {default('status', None)} END) AS status_value,
        coalesce(priority_mapped, CASE WHEN {is_blank('raw_priority')} THEN {default('priority', 'normal')} END)
            AS priority_value
    FROM dated
),
checked AS (
    SELECT *,
        CASE
            WHEN raw_ticket_id IS NULL AND {every_cell_blank} THEN 'empty row'
            WHEN raw_ticket_id IS NULL THEN 'missing ticket id'
            WHEN is_placeholder_created OR (created_parsed IS NULL AND {is_blank('raw_created_at')})
                THEN 'missing created_at'
            WHEN created_parsed IS NULL AND {is_header_row} THEN 'repeated header row'
            WHEN created_parsed IS NULL THEN 'unparseable created_at'
            WHEN updated_parsed IS NULL AND NOT {is_blank('raw_updated_at')} THEN 'unparseable updated_at'
            WHEN resolved_parsed IS NULL AND NOT {is_blank('raw_resolved_at')} THEN 'unparseable resolved_at'
            WHEN first_response_parsed IS NULL AND NOT {is_blank('raw_first_response_at')}
                THEN 'unparseable first_response_at'
            {unparseable_durations('first_response')}
            WHEN first_response_minutes < 0 OR first_response_hours < 0 OR first_response_seconds < 0
                OR first_response_at < created_at
                THEN 'first response before created'
            {unparseable_durations('resolution')}
            WHEN resolved_any_at < created_at THEN 'resolved before created'
            WHEN updated_given_at < created_at THEN 'updated before created'
            WHEN status_value IS NULL AND {is_blank('raw_status')} THEN 'missing status'
            WHEN {outside_test('status')} THEN 'status mapped outside the allowed values'
            WHEN status_value IS NULL THEN 'unknown status'
            WHEN {outside_test('priority')} THEN 'priority mapped outside the allowed values'
            WHEN priority_value IS NULL THEN 'unknown priority'
            WHEN {outside_test('channel')} THEN 'channel mapped outside the allowed values'
            WHEN escalated_text IS NULL AND NOT {is_blank('raw_escalated')} THEN 'invalid escalated flag'
            WHEN high_profile_text IS NULL AND NOT {is_blank('raw_high_profile')} THEN 'invalid high_profile flag'
            WHEN reopen_parsed IS NULL AND NOT {is_blank('raw_reopen_count')} THEN 'invalid reopen count'
            WHEN reopen_parsed < 0 THEN 'negative reopen count'
            WHEN qa_parsed IS NULL AND NOT {is_blank('raw_qa_score')} THEN 'invalid qa_score'
            WHEN NOT qa_parsed BETWEEN 0 AND 100 THEN 'qa_score out of range 0-100'
            WHEN csat_text IS NOT NULL AND csat_parsed IS NULL THEN 'invalid csat'
            WHEN NOT csat_parsed BETWEEN 1 AND 5 THEN 'csat out of range 1-5'
        END AS reject_reason
    FROM derived
),
noted AS (   -- what the load notes count: rows kept, but worth telling the analyst about
    SELECT *,
        CASE WHEN {category_in_file} AND category_mapped IS NULL THEN {NOTE_FLAGS['category_unmapped']} ELSE 0 END
        + CASE WHEN channel_mapped IS NULL AND NOT {is_blank('raw_channel')} THEN {NOTE_FLAGS['channel_unmapped']} ELSE 0 END
        + CASE WHEN {priority_in_file} AND priority_mapped IS NULL AND {is_blank('raw_priority')}
               THEN {NOTE_FLAGS['priority_defaulted']} ELSE 0 END
        + CASE WHEN is_placeholder_resolved OR is_placeholder_first_response OR is_placeholder_updated
               THEN {NOTE_FLAGS['placeholder_date']} ELSE 0 END
        + CASE WHEN resolved_any_at IS NOT NULL AND status_value NOT IN ('solved', 'closed')
               THEN {NOTE_FLAGS['reopened_resolution_dropped']} ELSE 0 END
        + CASE WHEN resolved_any_at IS NULL AND status_value IN ('solved', 'closed')
               THEN {NOTE_FLAGS['solved_without_date']} ELSE 0 END AS note_flags
    FROM checked
)
SELECT
    $source AS source,
    -- A rejected row is stored only until the load moves it to rejected_rows, in the same
    -- transaction; these placeholders keep the NOT NULL columns valid meanwhile.
    coalesce(raw_ticket_id, '') AS ticket_id,
    CASE WHEN CAST(TRY_CAST(raw_ticket_id AS BIGINT) AS VARCHAR) = raw_ticket_id   -- see schema.sql
         THEN TRY_CAST(raw_ticket_id AS BIGINT) END AS ticket_number,
    coalesce(created_at, TIMESTAMPTZ '{EPOCH}') AS created_at,
    coalesce(greatest(coalesce(updated_given_at, created_at), created_at, coalesce(first_response_at, created_at),
                      coalesce(resolved_any_at, created_at)), TIMESTAMPTZ '{EPOCH}') AS updated_at,
    first_response_at,
    -- Solved or closed with no date for it: resolved at the ticket's latest known time (the
    -- updated_at above), so that it does not stay open forever (docs/mapping.md, "resolved_at").
    CASE WHEN status_value IN ('solved', 'closed')
         THEN coalesce(resolved_any_at, greatest(updated_given_at, created_at, first_response_at)) END
        AS resolved_at,
    coalesce(status_value, '') AS status,
    coalesce(priority_value, '') AS priority,
    coalesce(channel_mapped, CASE WHEN {is_blank('raw_channel')} THEN {default('channel', 'other')} ELSE 'other' END)
        AS channel,
    coalesce(category_mapped, 'other') AS abuse_category,
    -- market codes are upper-case by convention; one spelling keeps 'br' and 'BR' one series
    coalesce(upper({blank_to_null('region_mapped')}), {default('region', 'unknown')}) AS region,
    coalesce(lower({blank_to_null('language_mapped')}), {default('language', 'unknown')}) AS language,
    coalesce({blank_to_null('vendor_mapped')}, {default('vendor', 'unknown')}) AS vendor,
    coalesce({blank_to_null('queue_mapped')}, {default('queue', 'unknown')}) AS queue,
    coalesce(raw_agent_id, {AGENT_ID_FUNCTION}(lower(raw_agent))) AS agent_id,   -- pipelines/sql_functions.py
    coalesce(escalated_text = 'true', false) AS escalated,
    coalesce(high_profile_text = 'true', false) AS high_profile,
    coalesce(reopen_parsed, 0) AS reopen_count,
    qa_parsed AS qa_score,
    csat_parsed AS csat,
    coalesce(raw_reporter_hash, {REPORTER_HASH_FUNCTION}(lower(raw_reporter))) AS reporter_hash,   -- sql_functions.py
    raw_tags AS tags{extra_columns},
    $load_run_id AS load_run_id,
    CASE WHEN reject_reason IS NOT NULL OR note_flags > 0 OR raw_subject IS NOT NULL OR raw_description IS NOT NULL
              OR line_number IS NOT NULL
        THEN to_json(struct_pack(
            line_number := line_number,
            reject_reason := reject_reason,
            reject_column := {reject_column_case()},
            reject_value := {reject_value_case()},
            raw_record := CASE WHEN reject_reason IS NOT NULL THEN {raw_record()} END,
            note_flags := CAST(note_flags AS UTINYINT),
            category_raw := CASE WHEN note_flags & {NOTE_FLAGS['category_unmapped']} <> 0
                                 THEN NULLIF(trim(raw_abuse_category), '') END,
            channel_raw := CASE WHEN note_flags & {NOTE_FLAGS['channel_unmapped']} <> 0 THEN trim(raw_channel) END,
            subject := raw_subject,
            description := raw_description,
            row_hash := CASE WHEN reject_reason IS NOT NULL THEN {row_hash} END))
    END AS load_detail
FROM noted
"""
    return NormalizePlan(sql=sql, params=bound_params(sql, p.values), absent_columns=absent,
                         record_columns=record_columns)
