"""Reading an input file as a temporary all-text view `raw_input`.

Every reader produces the same shape, one VARCHAR column per input column, so normalisation is
one SQL path for every source. The view streams: the file is scanned once, by the normalising
statement, which runs in parallel. Line numbers are not computed during that scan (a
`row_number() OVER ()` there would force the whole pass onto one thread): the few rows whose line
matters are read again through `numbered_view`, and a temp table written in file order gets its
lines from row positions (`number_rows`); both shift by the records the parser skipped
(`line_shifts`) (CSV: header = line 1, a quoted value spanning lines counts once; JSON: the
record's position). Rows the CSV parser itself cannot split (too many or too few columns,
unterminated quotes) come back afterwards from `parser_rejects` with their line.
"""
from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from pipelines import csv_dialect
from pipelines.blank_lines import empty_lines_after
from pipelines.csv_dialect import CsvDialect, UnreadableFile   # (raised here; its home is the light module)
from pipelines.progress import byte_progress

LINE = "__line"


@dataclass(frozen=True)
class ParserReject:
    line: int
    reason: str
    raw: str


@dataclass
class RawInput:
    header: list[str]
    n_rows: int                          # -1 while streamed (not yet scanned)
    parser_rejects: list[ParserReject]
    streamed: bool = False               # raw_input is a view: parser rejects come after the scan
    numbered: bool = False               # raw_input carries its own line numbers in LINE
    first_line: int = 2                  # line of the first record when numbered from position
    scan_copy: Path | None = None        # the UTF-8 copy read in place of a file in another encoding
    encoding: str = "utf-8"
    csv_read: tuple[Path, str, int] | None = None     # CSV: (file scanned, delimiter, header line)
    _empty_lines: list[int] | None = None

    def empty_lines(self) -> list[int]:
        """The empty lines the CSV parser skipped (found once, when a line number is first needed)."""
        if self._empty_lines is None:
            self._empty_lines = empty_lines_after(*self.csv_read) if self.csv_read else []
        return self._empty_lines


def line_expression(raw: RawInput) -> str:
    """What the first normalising pass selects as line_number: the reader's own numbers, or NULL
    (lines come later, from `number_rows` or `numbered_view`)."""
    return LINE if raw.numbered else "CAST(NULL AS BIGINT)"


def number_rows(con: duckdb.DuckDBPyConnection, raw: RawInput, table: str, view: str) -> None:
    """Define `view` as `table` with each row's line in the file.

    `table` was written by one INSERT/CREATE from the scan with insertion order preserved, so a
    row's rowid is its position among the records the parser accepted.
    """
    if raw.numbered:
        con.execute(f"CREATE OR REPLACE TEMP VIEW {view} AS SELECT * FROM {table}")
        return
    con.execute(f"CREATE OR REPLACE TEMP VIEW {view} AS SELECT * REPLACE ({_line_at('rowid', raw)} AS line_number) "
                f"FROM {table}")


def numbered_view(con: duckdb.DuckDBPyConnection, raw: RawInput, view: str = "ingest_numbered") -> None:
    """Define `view` as raw_input with each record's line in the file (`__line`), for the pass
    that re-reads the few rows whose line matters. row_number() keeps that pass in file order (and
    on one thread)."""
    con.execute(f"CREATE OR REPLACE TEMP VIEW {view} AS "
                f"SELECT {_line_at('(row_number() OVER () - 1)', raw)} AS __line, * FROM raw_input")


def _line_at(position: str, raw: RawInput) -> str:
    """SQL for the line of the record at 0-based `position` among those the parser accepted: each
    record the parser skipped before it (rejected, or an empty line) moves it one line down. The shifts are literal integers
    because a view cannot hold a bound parameter."""
    line = f"{position} + {int(raw.first_line)}"
    shifts = line_shifts([r.line for r in raw.parser_rejects] + raw.empty_lines(), raw.first_line)
    if shifts:
        line += f" + len(list_filter([{', '.join(str(int(t)) for t in shifts)}], lambda x: x <= {position} + 1))"
    return line


def line_shifts(reject_lines: list[int], first_line: int) -> list[int]:
    """With skipped lines l_1 < l_2 < ..., the good record at position r (1-based) sits on line
    r + first_line - 1 + #{j : l_j - j - (first_line - 2) <= r}."""
    return [line - j - (first_line - 2) for j, line in enumerate(sorted(set(reject_lines)), start=1)]


def sniff_header(path: Path, dialect: CsvDialect | None = None) -> list[str]:
    """The first CSV record's fields (BOM stripped) without reading the rest of the file."""
    dialect = dialect or csv_dialect.detect(path)
    header = csv_dialect.header_record(path, dialect)
    if not header or not "".join(header).strip():
        with open(path, "rb") as fh:
            empty = not fh.read(1 << 16).strip()
        if empty:
            raise UnreadableFile(f"{path}: the file is empty (no header line)")
    return header


def file_kind(path: Path) -> str:
    """csv, parquet, jsonl or json, from the first bytes rather than trusting the extension."""
    with open(path, "rb") as fh:
        head = fh.read(4096)
    if head[:4] == b"PAR1":
        return "parquet"
    text = head.lstrip(b"\xef\xbb\xbf").lstrip()
    if text.startswith(b"{"):
        first_line = text.split(b"\n", 1)[0].strip()
        return "jsonl" if first_line.endswith(b"}") and not first_line.startswith(b'{"tickets"') else "json"
    if text.startswith(b"["):
        return "json"
    return "csv"


def load_csv(con: duckdb.DuckDBPyConnection, path: Path, dialect: CsvDialect | None = None,
             progress: bool = False) -> RawInput:
    """Define `raw_input` as a view over the file; the normalising statement streams through it.

    A file not in UTF-8 is read from a UTF-8 copy (RawInput.scan_copy; the caller removes it with
    `drop_raw_input`). The parser's own rejects are known only once that statement has run: call
    `parser_rejects(con)` afterwards.
    """
    dialect = dialect or csv_dialect.detect(path)
    header = sniff_header(path, dialect)
    _check_header(path, header, dialect.header_line)
    for name in ("ingest_rejects", "ingest_reject_scans"):
        con.execute(f"DROP TABLE IF EXISTS {name}")
    drop_raw_input(con)
    named = _columns_as_named(header)
    scan_copy = None
    if not dialect.is_utf8 or dialect.mixed_line_endings:
        scan_copy = _utf8_copy(path, dialect, progress)
    try:
        _scan_csv(con, scan_copy or path, named, dialect.delimiter, skip=dialect.header_line - 1)
        header_read = named or [r[0] for r in con.execute("DESCRIBE raw_input").fetchall()]
    except duckdb.Error as exc:
        _remove(scan_copy)
        raise UnreadableFile(f"{path}: cannot read as CSV: {str(exc).splitlines()[0]}") from exc
    return RawInput(header_read, -1, [], streamed=True, first_line=dialect.header_line + 1, scan_copy=scan_copy,
                    encoding=dialect.encoding, csv_read=(scan_copy or path, dialect.delimiter, dialect.header_line))


def _utf8_copy(path: Path, dialect: CsvDialect, progress: bool = False) -> Path:
    fd, name = tempfile.mkstemp(prefix="safetyops-utf8-", suffix=".csv")
    os.close(fd)
    try:
        with byte_progress(f"converting {path.name} from {dialect.encoding}", path.stat().st_size, progress) as read:
            csv_dialect.transcode(path, dialect, Path(name), on_block=read)
    except BaseException:
        _remove(Path(name))
        raise
    return Path(name)


def _remove(path: Path | None) -> None:
    if path is not None:
        path.unlink(missing_ok=True)


def _columns_as_named(header: list[str]) -> list[str] | None:
    """The header as DuckDB would name its columns (spaces around a name trimmed), when that needs
    no guessing: every name given and none repeated (DuckDB renames a repeat, case-insensitively,
    and names a blank itself)."""
    names = [name.strip(" ") for name in header]
    folded = [name.lower() for name in names]
    if not all(name.strip() for name in names) or len(set(folded)) != len(folded):
        return None
    # DuckDB also trims other white space it knows (e.g. a no-break space): left to it to name
    if any(name[0] != "\t" and name[0].isspace() or name[-1] != "\t" and name[-1].isspace() for name in names):
        return None
    return names


def _scan_csv(con: duckdb.DuckDBPyConnection, path: Path, named: list[str] | None, delimiter: str,
              skip: int = 0) -> None:
    # Explicit dialect: the sniffer guesses wrong on files whose first rows are malformed. With the
    # columns named too, nothing is left to detect: DuckDB would sniff the file again each time the
    # view is bound (0.07 s of a 100k-row load).
    # The path is inlined as a quoted literal because a view cannot hold a bound parameter.
    columns = ""
    if named:
        columns = ", columns = {" + ", ".join(f"{_sql_string(n)}: 'VARCHAR'" for n in named) + "}, auto_detect = false"
    con.execute(
        f"""CREATE TEMP VIEW raw_input AS
            SELECT *
            FROM read_csv({_sql_string(str(path))}, all_varchar = true, header = true, delim = {_sql_string(delimiter)},
                          quote = '"', escape = '"', strict_mode = true, store_rejects = true,
                          rejects_table = 'ingest_rejects', rejects_scan = 'ingest_reject_scans',
                          ignore_errors = true, normalize_names = false, skip = {int(skip)}{columns})""")


def parser_rejects(con: duckdb.DuckDBPyConnection, raw: RawInput | None = None) -> list[ParserReject]:
    """After the scan ran: the records the CSV parser could not split or decode, one per line."""
    if not _has_rejects_table(con):
        return []
    encoding = raw.encoding if raw is not None else "utf-8"
    found = con.execute("SELECT line, error_type, error_message, csv_line FROM ingest_rejects ORDER BY line").fetchall()
    return _dedupe([ParserReject(int(line), _parser_reason(err, msg, encoding), (raw_line or "").strip("\r\n"))
                    for line, err, msg, raw_line in found])


def rejects_show_mixed_line_endings(con: duckdb.DuckDBPyConnection) -> bool:
    """True when a line the parser rejected carries a line break of another kind than the file's
    (DuckDB takes the first line's ending for all): a \r left at its end (a \n file), or a \n
    inside it (a \r\n file whose later lines end in \n run together). In a \r\n file DuckDB
    reports every rejected line with the \n of the line before it: that one is not counted, or a
    Windows export with one broken row would be read twice and said to mix its line endings."""
    return _has_rejects_table(con) and con.execute(
        "SELECT count(*) FROM ingest_rejects WHERE suffix(rtrim(csv_line, chr(10)), chr(13)) "
        "OR contains(CASE WHEN prefix(csv_line, chr(10)) THEN csv_line[2:] ELSE csv_line END, chr(10))"
    ).fetchall()[0][0] > 0


def _has_rejects_table(con: duckdb.DuckDBPyConnection) -> bool:
    return con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'ingest_rejects'").fetchall()[0][0] > 0


def drop_raw_input(con: duckdb.DuckDBPyConnection, raw: RawInput | None = None) -> None:
    if raw is not None:
        _remove(raw.scan_copy)
    try:
        con.unregister("raw_input")
    except duckdb.Error:
        pass
    try:
        con.execute("DROP VIEW IF EXISTS raw_input")
    except duckdb.TransactionException:
        pass      # the load failed: the view goes with the rollback, and the load's own error is raised


def _sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _check_header(path: Path, header: list[str], line: int) -> None:
    if not any(h.strip() for h in header):
        raise UnreadableFile(f"{path}: line {line}: the header has no column names")


def _parser_reason(error_type: str, message: str, encoding: str = "utf-8") -> str:
    undecodable = (f"cannot be decoded as {encoding} (pass --encoding if the file is in another encoding)"
                   if encoding in ("utf-8", "utf_8") else f"cannot be decoded as {encoding}")
    return {
        "TOO MANY COLUMNS": "too many columns",
        "MISSING COLUMNS": "too few columns",
        "UNQUOTED VALUE": "unquoted value after a quote",
        "LINE SIZE OVER MAXIMUM": "line too long",
        "INVALID UNICODE": undecodable,
        "INVALID ENCODING": undecodable,
    }.get(error_type, f"unreadable CSV record ({message.split(chr(10))[0][:120]})")


def _dedupe(rejects: list[ParserReject]) -> list[ParserReject]:
    """One reject per line (the parser may report several errors for one record)."""
    seen: dict[int, ParserReject] = {}
    for r in rejects:
        seen.setdefault(r.line, r)
    return list(seen.values())


def load_parquet(con: duckdb.DuckDBPyConnection, path: Path) -> RawInput:
    return _load_typed(con, "read_parquet($path)", path)


def load_jsonl(con: duckdb.DuckDBPyConnection, path: Path) -> RawInput:
    return _load_typed(con, "read_json($path, format = 'newline_delimited')", path)


def _load_typed(con: duckdb.DuckDBPyConnection, scan: str, path: Path) -> RawInput:
    """Typed formats: cast every column to text (lists joined with |) so one normaliser serves all."""
    try:
        cols = con.execute(f"DESCRIBE SELECT * FROM {scan}", {"path": str(path)}).fetchall()
    except duckdb.Error as exc:
        raise UnreadableFile(f"{path}: cannot read as {scan.split('(')[0]}: {exc}") from exc
    exprs = []
    for name, dtype, *_ in cols:
        ident = quote_ident(name)
        if dtype.endswith("[]"):
            exprs.append(f"array_to_string({ident}, '|') AS {ident}")
        else:
            exprs.append(f"CAST({ident} AS VARCHAR) AS {ident}")
    drop_raw_input(con)
    con.execute(
        f"CREATE TEMP VIEW raw_input AS SELECT {', '.join(exprs)} "
        f"FROM {scan.replace('$path', _sql_string(str(path)))}")
    return RawInput([c[0] for c in cols], -1, [], streamed=True, first_line=1)


def load_zendesk_json(con: duckdb.DuckDBPyConnection, path: Path) -> RawInput:
    """Zendesk Incremental Ticket Export: a page {"tickets": [...], "metric_sets": [...]} or one
    ticket per line. Nested objects are flattened to dotted column names."""
    tickets, metric_sets, rejects = _read_zendesk_records(path)
    by_ticket = {str(m.get("ticket_id")): m for m in metric_sets if isinstance(m, dict)}
    rows = []
    for line, t in tickets:
        flat = _flatten(t)
        for cf in t.get("custom_fields") or []:
            if isinstance(cf, dict) and "id" in cf:
                flat[f"custom_fields.{cf['id']}"] = _text(cf.get("value"))
        for key, value in _flatten(by_ticket.get(str(t.get("id")), {})).items():
            flat[f"metric_set.{key}"] = value
        flat[LINE] = line
        rows.append(flat)
    header = sorted({k for r in rows for k in r if k != LINE})
    table = pa.table({LINE: pa.array([r[LINE] for r in rows], pa.int64()),
                      **{h: pa.array([r.get(h) for r in rows], pa.string()) for h in header}})
    drop_raw_input(con)
    con.register("raw_input", table)
    return RawInput(header, len(rows), rejects, numbered=True)


def _read_zendesk_records(path: Path) -> tuple[list[tuple[int, dict]], list[dict], list[ParserReject]]:
    text = path.read_text(encoding="utf-8-sig")
    try:
        doc = json.loads(text)
    except json.JSONDecodeError:
        doc = None                     # not one document: one ticket (or metric set) per line
    if isinstance(doc, dict):
        tickets = doc.get("tickets")
        if not isinstance(tickets, list):
            raise UnreadableFile(f'{path}: expected {{"tickets": [...]}}, found keys {sorted(doc)}')
        good, rejects = [], []
        for i, t in enumerate(tickets, start=1):
            if isinstance(t, dict):
                good.append((i, t))
            else:
                rejects.append(ParserReject(i, "ticket record is not a JSON object", json.dumps(t)[:2000]))
        return good, list(doc.get("metric_sets") or []), rejects
    good, rejects, metric_sets = [], [], []
    for i, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as exc:
            rejects.append(ParserReject(i, f"invalid JSON: {exc.msg}", line[:2000]))
            continue
        if isinstance(rec, dict) and "ticket_id" in rec and "id" not in rec:
            metric_sets.append(rec)
        elif isinstance(rec, dict):
            good.append((i, rec))
        else:
            rejects.append(ParserReject(i, "record is not a JSON object", line[:2000]))
    return good, metric_sets, rejects


def _flatten(obj: dict, prefix: str = "") -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for key, value in obj.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(_flatten(value, name + "."))
        elif key == "custom_fields" and not prefix:
            continue
        else:
            out[name] = _text(value)
    return out


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return " ".join(str(v) for v in value)
    return str(value)


def quote_ident(name: str) -> str:
    """A column name as a SQL identifier. Names come from file headers, so quote them always."""
    return '"' + name.replace('"', '""') + '"'
