"""`safetyops mapping draft FILE`: a first mapping for an export nobody described yet.

Reads the header and the rows of a bounded sample, guesses the column of each canonical field from
its name, the timestamp format from the values, and writes every distinct status, priority,
channel and category value seen as a value map with a guess (or a TODO), commented, so that a
user corrects a file rather than writes one.
"""
from __future__ import annotations

import csv
import io
import re
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path

from core.errors import InputError
from pipelines import csv_dialect, local_words
from pipelines.csv_dialect import UnreadableFile
from pipelines.archives import as_delivered, unpacked
from pipelines.canonical_fields import BY_NAME, CHANNELS, FALSE_WORDS, PRIORITIES, STATUSES, TRUE_WORDS
from pipelines.column_fit import FITS, MISFITS, TIMESTAMP_FIELDS, UNSURE, fit
from pipelines.timestamp_formats import NAIVE_FORMATS, is_offset_timestamp, is_unix_time, parses, timestamp_format_of
from pipelines.value_guesses import guess_reason, guess_value

SAMPLE_ROWS = 5000
MAX_COLUMNS = 2000       # header width a draft reads (Jira's widest exports have a few hundred)
MAX_VALUES = 60          # distinct values listed per value map (the rest are counted)

# Header words that name each field, best first. Matched on lower-cased words.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "ticket_id": ("ticket id", "ticket_id", "id", "case number", "complaint id", "issue key", "case id",
                  "conversation id", "ticket number", "request id", "report id", "incident id", "number", "key",
                  "reference"),
    "created_at": ("created at", "created_at", "created", "date received", "date/time opened", "opened", "createddate",
                   "submitted at", "date submitted", "received", "creation date", "created time", "created date",
                   "date created", "date"),
    "updated_at": ("updated at", "updated_at", "updated", "last modified date", "lastmodifieddate", "last updated",
                   "last update time", "last update", "updated time", "last modified", "last activity", "modified"),
    "first_response_at": ("first response at", "first_response_at", "first response", "first reply at",
                          "first reply", "initial response time", "initial response", "first responded at",
                          "date sent to company", "responded at"),
    "resolved_at": ("resolved at", "resolved_at", "solved at", "resolved", "resolved time", "closed date",
                    "date/time closed", "closed at", "closeddate", "date closed", "close date", "closed time",
                    "resolution date", "solved timestamp", "solved date", "date solved", "solved"),
    "first_response_minutes": ("first reply time in minutes", "first response time in minutes",
                               "first_response_minutes", "first response minutes", "time to first response",
                               "first reply time", "first response time", "time to first agent reply",
                               "time to first reply"),
    # (unit-less "First reply time" stays minutes, as Zendesk writes it)
    "first_response_hours": ("first response time in hours", "first reply time in hours", "first_response_hours",
                             "first response hours", "first response time in hrs", "first reply time in hrs",
                             "first response time hrs", "first reply time hrs"),
    "first_response_seconds": ("first response time in seconds", "first reply time in seconds",
                               "first_response_seconds", "first response seconds", "first response time seconds",
                               "first reply time seconds", "time to first response seconds"),
    "resolution_minutes": ("full resolution time in minutes", "resolution time in minutes", "resolution_minutes",
                           "resolution minutes", "full resolution time", "resolution time", "time to close",
                           "time to resolution"),
    "resolution_hours": ("resolution time in hours", "resolution_hours", "resolution hours", "full resolution time",
                         "resolution time"),
    "resolution_seconds": ("resolution time in seconds", "resolution_seconds", "resolution seconds",
                           "resolution time seconds", "full resolution time in seconds"),
    "status": ("status", "ticket status", "company response to consumer", "company response", "resolution",
               "state", "conversation state", "ticket state"),
    "priority": ("priority", "severity", "urgency"),
    "channel": ("channel", "via", "origin", "case origin", "submitted via", "source", "medium", "contact type",
                "type"),
    "abuse_category": ("abuse category", "abuse_category", "abuse type", "abuse reason", "report reason",
                       "violation type", "policy violation", "category", "issue", "product", "type", "reason",
                       "case reason", "issue type"),
    "region": ("region", "market", "country", "state", "territory"),
    "language": ("language", "locale", "lang"),
    "vendor": ("vendor", "bpo", "outsourcer", "partner"),
    "queue": ("queue", "group", "team", "mailbox", "inbox"),
    "agent": ("assignee", "agent", "owner", "case owner", "assigned to"),
    "escalated": ("escalated", "isescalated", "is escalated"),
    "reopen_count": ("reopens", "reopen count", "reopened"),
    "high_profile": ("high profile", "high_profile", "vip"),
    "qa_score": ("qa score", "qa_score", "quality score"),
    "csat": ("satisfaction score", "csat", "satisfaction", "satisfaction rating", "conversation rating", "rating"),
    "reporter": ("requester email", "requester id", "requester", "reporter", "email", "customer", "contact email",
                 "caller"),
    "subject": ("subject", "summary", "title", "short description"),
    "description": ("description", "narrative", "consumer complaint narrative", "body"),
    "tags": ("tags", "labels", "tag"),
    # Business-hours and wait-time figures: their own fields, never a calendar one (written only when found).
    # (Zendesk Explore names them "First reply time - Business hours (min)", "Requester wait time (min)")
    "first_response_business_minutes": ("first reply time in minutes within business hours",
                                        "first response time in business minutes", "first reply time business hours"),
    "resolution_business_minutes": ("full resolution time in minutes within business hours",
                                    "resolution time in business minutes", "full resolution time business hours"),
    "requester_wait_minutes": ("requester wait time in minutes", "requester wait time"),
    "requester_wait_business_minutes": ("requester wait time in minutes within business hours",
                                        "requester wait time business hours"),
    "agent_wait_minutes": ("agent wait time in minutes", "agent wait time"),
    "agent_wait_business_minutes": ("agent wait time in minutes within business hours",
                                    "agent wait time business hours"),
}
_WRITTEN_WHEN_FOUND = ("first_response_minutes", "first_response_hours", "first_response_seconds",
                       "resolution_minutes", "resolution_hours", "resolution_seconds",
                       "first_response_business_minutes", "resolution_business_minutes", "requester_wait_minutes",
                       "requester_wait_business_minutes", "agent_wait_minutes", "agent_wait_business_minutes")
# A column whose name says it holds a duration is never a date; one in business hours never a calendar figure;
# one whose name states a unit only a field in that unit ("First reply time (min)", "(hrs)", Help Scout's
# "First Response Time (seconds)"; nothing reads days or milliseconds).
_UNIT_WORDS = {"seconds": re.compile(r"\b(seconds|secs?)\b"), "minutes": re.compile(r"\b(minutes|mins?)\b"),
               "hours": re.compile(r"\b(hours|hrs?)\b"), "days": re.compile(r"\bdays\b"),
               "milliseconds": re.compile(r"\b(milliseconds|ms)\b")}
_DURATION_WORDS = re.compile(r"\b(minutes|mins?|hours|hrs?|seconds|secs?|days|milliseconds|ms|time in)\b")
# Synonyms that only say which field a column is when its values confirm it: a "Type" of email / chat /
# phone is the channel; one of question / incident (Zendesk), or a Jira "Request Type", is not.
_CONFIRMED_BY_VALUES = {("channel", "type")}
VALUE_MAPPED = ("status", "priority", "channel", "abuse_category", "csat", "escalated", "high_profile")
# Fields whose values are read as they are when already valid: a section only when one is not.
_READ_AS_IS = {"csat": ("1", "2", "3", "4", "5"), "escalated": TRUE_WORDS + FALSE_WORDS,
               "high_profile": TRUE_WORDS + FALSE_WORDS}

@dataclass
class Sample:
    header: list[str]
    rows: list[list[str]]
    dialect: csv_dialect.CsvDialect
    n_rows_capped: bool = False

    def values(self, column: str) -> list[str]:
        i = self.header.index(column)
        return [r[i].strip() for r in self.rows if i < len(r) and r[i].strip()]


@dataclass
class Draft:
    sample: Sample
    columns: dict[str, str] = field(default_factory=dict)             # field -> column
    timestamps: str = "offset"
    formats: list[str] = field(default_factory=list)
    date_only: bool = False
    ambiguous_day_month: bool = False
    unparsed: dict[str, list[str]] = field(default_factory=dict)      # field -> sample values no format reads


def read_sample(path: Path, encoding: str | None = None, delimiter: str | None = None,
                sheet: str | None = None) -> Sample:
    with unpacked(Path(path), sheet) as export:      # (a ZIP or gzip delivery, a workbook: the export inside)
        try:
            if export.sheet is None:
                return _read_sample(export.path, encoding, delimiter)
            sample = _read_sample(export.path, None, None)      # (UTF-8 with commas, as written)
        except InputError as exc:
            raise as_delivered(exc, export, Path(path)) from exc
    sample.dialect = replace(sample.dialect, sheet=export.sheet)
    return sample


def _read_sample(path: Path, encoding: str | None, delimiter: str | None) -> Sample:
    dialect = csv_dialect.detect(path, encoding, delimiter)
    text, cut = csv_dialect.sample_text(path, dialect)
    if cut:      # the last line may be cut
        text = text[:text.rfind("\n") + 1] or text
    reader = csv.reader(io.StringIO(text), delimiter=dialect.delimiter)
    try:
        header = next(reader, [])
        _check_header(path, header, dialect)
        rows = []
        for row in reader:
            if len(rows) >= SAMPLE_ROWS:
                return Sample(header, rows, dialect, n_rows_capped=True)
            rows.append(row)
    except csv.Error as exc:
        raise UnreadableFile(f"{path}: line {dialect.header_line - 1 + reader.line_num}: not readable as CSV "
                             f"({exc}); is it a CSV export?") from None
    return Sample(header, rows, dialect, n_rows_capped=cut)


def _check_header(path: Path, header: list[str], dialect: csv_dialect.CsvDialect) -> None:
    if not any(name.strip() for name in header):
        raise UnreadableFile(f"{path}: the file is empty (no header line)")
    if len(header) > MAX_COLUMNS:
        raise UnreadableFile(f"{path}: {len(header):,} columns in the header, read with the delimiter "
                             f"{dialect.delimiter!r}; a draft reads at most {MAX_COLUMNS:,} (--delimiter names "
                             "another; or keep the columns you need)")


def draft(sample: Sample, taxonomy: tuple[str, ...] = ()) -> Draft:
    d = Draft(sample)
    d.columns = guess_columns(sample.header, sample, taxonomy)
    _guess_timestamps(d)
    return d


def _words(name: str) -> str:
    return " ".join(re.findall(r"[a-z0-9/?]+", local_words.fold(name).replace("_", " ")))


def _synonyms(name: str) -> tuple[str, ...]:
    """English header words first, then those of exports in other languages (pipelines/local_words.py)."""
    return SYNONYMS[name] + local_words.HEADERS.get(name, ())


def guess_columns(header: list[str], sample: Sample | None = None, taxonomy: tuple[str, ...] = ()) -> dict[str, str]:
    """field -> column: each column used at most once. With a sample, a column whose values cannot
    be the field's is passed over, and one whose values are recognised as the field's comes first
    (pipelines/column_fit.py); then the closest names (an exact synonym beats a synonym inside a
    longer name; earlier synonyms beat later ones)."""
    candidates = []
    column_words = {column: _words(column) for column in header}
    for name in SYNONYMS:
        for rank, synonym in enumerate(_synonyms(name)):
            wanted = _words(synonym)
            inside = re.compile(rf"\b{re.escape(wanted)}\b") if len(synonym) > 3 else None
            for column, words in column_words.items():
                if words == wanted:
                    tier = 0
                elif inside is not None and inside.search(words):
                    tier = 1
                else:
                    continue
                if _may_hold(name, words):
                    candidates.append((tier, rank, name, column, (name, synonym) in _CONFIRMED_BY_VALUES))
    values = {c[3]: sample.values(c[3]) for c in candidates} if sample else {}
    fits = {(c[2], c[3]): fit(c[2], values[c[3]], taxonomy) if sample else UNSURE for c in candidates}
    order = {name: i for i, name in enumerate(SYNONYMS)}
    chosen: dict[str, str] = {}
    used: set[str] = set()
    best_first = sorted(candidates, key=lambda c: (fits[c[2], c[3]], c[0], c[1], order[c[2]]))
    for _, _, name, column, by_values in best_first:
        if by_values and fits[name, column] != FITS:
            continue
        if name not in chosen and column not in used and fits[name, column] != MISFITS:
            chosen[name] = column
            used.add(column)
    return {name: chosen[name] for name in SYNONYMS if name in chosen}


def _may_hold(name: str, column_words: str) -> bool:
    if name in TIMESTAMP_FIELDS and _DURATION_WORDS.search(column_words):
        return False
    unit = name.rsplit("_", 1)[-1]
    if unit in _UNIT_WORDS:
        stated = {u for u, words in _UNIT_WORDS.items() if words.search(column_words.replace("business hours", ""))}
        if stated and unit not in stated:
            return False
    if name.startswith("resolution") and "first resolution" in column_words:
        return False     # Zendesk's time to the first solve, not to the final one
    return "business" in name or "business" not in column_words


def _guess_timestamps(d: Draft) -> None:
    values = {name: d.sample.values(col)[:500] for name, col in d.columns.items() if name in TIMESTAMP_FIELDS}
    every = [v for vs in values.values() for v in vs]
    if every and all(is_offset_timestamp(v) for v in every):
        d.timestamps = "offset"
        return
    if every and all(is_unix_time(v) for v in every):
        d.timestamps = "unix"
        return
    d.timestamps = "naive"
    # One format for the whole file where one reads every value: a column whose sampled days are all
    # <= 12 then follows the columns that show the day order (13/11/2026 is day-first).
    whole_file = timestamp_format_of(every)
    d.formats = formats = [whole_file] if whole_file else _formats_by_column(d, values)
    d.date_only = bool(formats) and not any(has_time for f, has_time in NAIVE_FORMATS if f in formats)
    day_first = {"%d/%m/%Y", "%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S"}
    month_first = {"%m/%d/%Y", "%m/%d/%Y %H:%M", "%m/%d/%Y %H:%M:%S", "%m/%d/%Y %I:%M %p"}
    if set(formats) & month_first:
        # every day sampled was <= 12: the day-first reading fits as well
        d.ambiguous_day_month = all(parses(v, f.replace("%m/%d", "%d/%m")) for vs in values.values() for v in vs
                                    for f in formats if f in month_first)
    elif set(formats) & day_first:
        d.ambiguous_day_month = all(parses(v, f.replace("%d/%m", "%m/%d")) for vs in values.values() for v in vs
                                    for f in formats if f in day_first)


def _formats_by_column(d: Draft, values: dict[str, list[str]]) -> list[str]:
    """Each date column's own format (a file that writes two), and the columns no format reads."""
    formats = []
    for name, vs in values.items():
        fmt = timestamp_format_of(vs)
        if fmt is None and vs:
            d.unparsed[name] = vs[:3]
        elif fmt and fmt not in formats:
            formats.append(fmt)
    return formats


ALLOWED = {"status": STATUSES, "priority": PRIORITIES, "channel": CHANNELS, "csat": ("1", "2", "3", "4", "5", '""'),
           "escalated": ("true", "false"), "high_profile": ("true", "false")}


def to_toml(d: Draft, source_name: str, taxonomy: tuple[str, ...]) -> str:
    s = d.sample
    out = [f"# Drafted by `safetyops mapping draft` from {len(s.rows):,} rows"
           + (" (a sample of the file)" if s.n_rows_capped else "") + f"; {s.dialect.describe()}.",
           "# Check every line; then `safetyops mapping check FILE --mapping THIS.toml` before loading.",
           "# Reference of every key and field: docs/mapping.md.", "",
           "[source]", f"name = {_q(source_name)}", 'format = "csv"',
           f"detect = [{', '.join(_q(d.columns[f]) for f in ('ticket_id', 'created_at', 'status') if f in d.columns)}]"]
    out += _timestamp_lines(d)
    out += ["", "[fields]"]
    for name in SYNONYMS:
        col = d.columns.get(name)
        stored = BY_NAME.get({"agent": "agent_id", "reporter": "reporter_hash"}.get(name, name))
        label = stored.when_missing if stored else "the ticket text is not stored"
        if col:
            out.append(f"{name} = {_q(col)}")
        elif name in _WRITTEN_WHEN_FOUND or (stored and any(f in d.columns for f in stored.filled_by)):
            continue      # (an alternative input, or a field filled from one that was found)
        elif name in BY_NAME and BY_NAME[name].required:
            out.append(f'{name} = "TODO"   # REQUIRED: no column looked like it; name the column')
        else:
            out.append(f"# {name} = \"\"   # no column found; without it: {label}")
    unused = [c for c in s.header if c not in d.columns.values()]
    if unused:
        out.append("# columns not used: " + ", ".join(_q(c) for c in unused))
    for name in VALUE_MAPPED:
        if name in d.columns and not _all_read_as_is(d, name):
            out += ["", *_value_lines(d, name, taxonomy)]
    return "\n".join(out) + "\n"


def _timestamp_lines(d: Draft) -> list[str]:
    lines = [f"timestamps = {_q(d.timestamps)}"]
    if d.timestamps == "offset":
        lines[0] += "   # the values carry their UTC offset (or Z)"
        return lines
    if d.timestamps == "unix":
        lines[0] += "   # Unix times: seconds (or milliseconds, 13 digits) since 1970-01-01 UTC"
        return lines
    lines.append(f"timestamp_formats = [{', '.join(_q(f) for f in d.formats)}]")
    lines.append('# timezone = "America/New_York"   # the values carry no offset: set their zone here or pass '
                 "--timezone at load")
    if d.ambiguous_day_month:
        lines.append("# WARNING: every sampled day is <= 12, so day/month order is a guess: check a known date")
    if d.date_only:
        lines.append("# WARNING: dates without a time of day: first-response and resolution times are whole days "
                     "(0 minutes when on the day the ticket was created); FRT minutes are not meaningful")
    for name, vs in d.unparsed.items():
        lines.append(f"# WARNING: no known format reads {name} values such as {', '.join(map(_q, vs))}: "
                     "add a strptime format to timestamp_formats")
    return lines


def _all_read_as_is(d: Draft, name: str) -> bool:
    return name in _READ_AS_IS and all(v.lower() in _READ_AS_IS[name] for v in d.sample.values(d.columns[name]))


def _value_lines(d: Draft, name: str, taxonomy: tuple[str, ...]) -> list[str]:
    counts = Counter(d.sample.values(d.columns[name]))
    allowed = ALLOWED.get(name, taxonomy)
    lines = [f"[values.{name}]",
             f"# every value seen in the sample ({len(counts)} distinct), with its rows; allowed: {', '.join(allowed)}"]
    if name == "abuse_category":
        lines.append("# values not mapped into the config's [taxonomy] count as category other")
    if name == "channel":
        lines.append("# values not mapped count as channel other (and are listed in the load notes)")
    if name == "csat":
        lines.append('# a value mapped to "" is blank (no rating); any other value not 1-5 is a rejected row')
    if name in ("escalated", "high_profile"):
        lines.append("# yes/no, true/false, 1/0 are read as they are; any other value not mapped is a rejected row")
    if name in ("status", "priority"):
        lines.append(f"# a {name} value not mapped is a rejected row" +
                     (" (a blank one gets [defaults] priority)" if name == "priority" else ""))
    for raw, n in counts.most_common(MAX_VALUES):
        guess = guess_value(name, raw, taxonomy)
        if raw.lower() in _READ_AS_IS.get(name, ()):
            lines.append(f"# {_q(raw)}: read as it is   # {n:,} rows")
        elif guess is not None:
            lines.append(f"{_q(raw)} = {_q(guess)}   # {n:,} rows" + guess_reason(name, raw, guess))
        else:
            lines.append(f"# {_q(raw)} = \"\"   # TODO {n:,} rows: choose one of the allowed values")
    if len(counts) > MAX_VALUES:
        rest = sum(n for _, n in counts.most_common()[MAX_VALUES:])
        lines.append(f"# ... and {len(counts) - MAX_VALUES} more values ({rest:,} rows)")
    return lines


def _q(text: str) -> str:
    """A TOML basic string."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    escaped = "".join(c if c.isprintable() else f"\\U{ord(c):08x}" for c in escaped)
    return f'"{escaped}"'
