"""How a warehouse write lays out the rows it adds: DuckDB's row-group size, and whether the
checkpoint merges row groups.

A load of 100k rows into a 10M-row warehouse spends a fifth of its time compressing its one new
row group when it commits, on one core (DuckDB checkpoints row groups in parallel, and there is
one), and every few loads DuckDB's checkpoint merges the trailing under-filled row groups again
(0.3-0.6 s more). Written in half-size row groups (61,440 rows), the rows are compressed during
the INSERT on both cores, and with merging held back nothing is rewritten. That is only worth it
while the load is small against the warehouse, and only for as long as the table's row groups
stay near the count its rows need. So, per write:

- A write that is not a load (refresh, detect), a first load, a full rebuild, or a load whose
  input files are more than SMALL_LOAD_SHARE of the warehouse file's bytes keeps DuckDB's
  defaults: 122,880-row groups, merging on.
- A small load writes SMALL_ROW_GROUP_SIZE groups and merges nothing, unless some table had more
  row groups after the last write than `allowed_row_groups` of its rows: then it catches up, with
  the defaults, and DuckDB's checkpoint merges the half-size groups back into full ones.

The row-group size is fixed when the file is attached, so the counts must be known before: each
write reads them from its own final checkpoint (DuckDB logs every row group it writes) and keeps
them beside the warehouse in `<db>.layout`, with the identity of the file they describe. A
missing, unreadable or stale record means "not known": the defaults, as before this module.
"""
from __future__ import annotations

import json
import math
import os
import re
from dataclasses import dataclass
from pathlib import Path

import duckdb

DEFAULT_ROW_GROUP_SIZE = 122_880   # DuckDB's; what a catch-up merges the half-size groups back into
SMALL_ROW_GROUP_SIZE = 61_440
# A load whose input files hold at most this share of the warehouse file's bytes is small (a
# 100k-row canonical CSV is 22 MB, 5% of a 10M-row warehouse's 490 MB; a CSV takes 4-8 times the
# bytes of the same rows stored, so a quarter is a load of a few percent of the stored rows).
SMALL_LOAD_SHARE = 0.25
# Row groups a table may have beyond its ideal count (rows / 122,880) before a write catches up:
# a quarter more, and at least 16 (the small tables gain one row group per write while nothing
# merges: load_runs catches up every 16 writes).
EXTRA_ROW_GROUPS_SHARE = 0.25
EXTRA_ROW_GROUPS_MIN = 16


@dataclass(frozen=True)
class TableLayout:
    row_groups: int
    rows: int


@dataclass(frozen=True)
class WriteLayout:
    row_group_size: int      # rows per row group for the rows this write adds
    merge_row_groups: bool   # whether its checkpoints merge under-filled row groups
    reason: str

    @property
    def is_default(self) -> bool:
        return self.row_group_size == DEFAULT_ROW_GROUP_SIZE and self.merge_row_groups


def ideal_row_groups(rows: int) -> int:
    return max(1, math.ceil(rows / DEFAULT_ROW_GROUP_SIZE))


def allowed_row_groups(rows: int) -> int:
    ideal = ideal_row_groups(rows)
    return ideal + max(EXTRA_ROW_GROUPS_MIN, math.ceil(ideal * EXTRA_ROW_GROUPS_SHARE))


def choose_layout(load_bytes: int | None, warehouse_bytes: int | None,
                  tables: dict[str, TableLayout] | None) -> WriteLayout:
    """The layout of one write. `load_bytes`: the input files' bytes (None: not a load);
    `warehouse_bytes`: the live file's (None: a first load or a full rebuild); `tables`: the row
    groups and rows per table after the last write (None: not known)."""
    if load_bytes is None:
        return WriteLayout(DEFAULT_ROW_GROUP_SIZE, True, "not a load")
    if not warehouse_bytes:
        return WriteLayout(DEFAULT_ROW_GROUP_SIZE, True, "a first load or a full rebuild")
    if load_bytes > SMALL_LOAD_SHARE * warehouse_bytes:
        return WriteLayout(DEFAULT_ROW_GROUP_SIZE, True, "a large load for this warehouse")
    if tables is None:
        return WriteLayout(DEFAULT_ROW_GROUP_SIZE, True, "row groups not known: catching up")
    over = sorted(name for name, t in tables.items() if t.row_groups > allowed_row_groups(t.rows))
    if over:
        return WriteLayout(DEFAULT_ROW_GROUP_SIZE, True, f"too many row groups in {', '.join(over)}: catching up")
    return WriteLayout(SMALL_ROW_GROUP_SIZE, False, "a small load")


# --- the record of the last write's row groups -------------------------------------------------

def layout_path(db_path: Path) -> Path:
    return Path(str(db_path) + ".layout")


def _file_identity(path: Path) -> list[int] | None:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return [st.st_ino, st.st_mtime_ns, st.st_size]


def recorded_layout(db_path: Path) -> dict[str, TableLayout] | None:
    """The row groups per table the last write left in the live file, if that write recorded
    them for this very file."""
    try:
        record = json.loads(layout_path(db_path).read_text())
        if record["file"] != _file_identity(db_path):
            return None
        return {name: TableLayout(int(groups), int(rows)) for name, (groups, rows) in record["tables"].items()}
    except (OSError, ValueError, KeyError, TypeError):
        return None


def record_layout(db_path: Path, tables: dict[str, TableLayout] | None) -> None:
    """Keep `tables` as the layout of the live file (just swapped in); None forgets it."""
    path = layout_path(db_path)
    tmp = Path(str(path) + ".tmp")
    # The write is in by now: a record that cannot be kept (full disk) only costs the next load
    # its small row groups, so it must not turn a finished load into a failed command.
    try:
        if tables is None:
            path.unlink(missing_ok=True)
            return
        tmp.write_text(json.dumps({"file": _file_identity(db_path),
                                   "tables": {name: [t.row_groups, t.rows] for name, t in sorted(tables.items())}}))
        os.replace(tmp, path)
    except OSError:
        for leftover in (tmp, path):
            try:
                leftover.unlink(missing_ok=True)
            except OSError:
                pass


# --- counting row groups at the final checkpoint ---------------------------------------------

# DuckDB logs, at TRACE level, each row group a checkpoint writes as it is and each merge of
# neighbouring ones (format of DuckDB 2.0's CheckpointLogType). pragma_storage_info would say the
# same, but reads every column segment's statistics: 0.15-0.24 s for a 10M-row table.
_LOGGED = re.compile(r"'table': (?P<table>[^,]+), 'type': (?P<type>checkpoint|vacuum), 'info': \{(?P<info>[^}]*)\}")


def checkpoint_counting_row_groups(con: duckdb.DuckDBPyConnection) -> dict[str, TableLayout] | None:
    """CHECKPOINT the connection's database and return the row groups and rows of each table as
    written (None when the checkpoint logged nothing it could count)."""
    con.execute("CALL enable_logging(level := 'trace')")
    try:
        con.execute("CHECKPOINT")
        messages = [m for (m,) in con.execute("SELECT message FROM duckdb_logs WHERE type = 'Checkpoint'").fetchall()]
    finally:
        con.execute("CALL disable_logging()")
        con.execute("CALL truncate_duckdb_logs()")
    return count_row_groups(messages)


def count_row_groups(messages: list[str]) -> dict[str, TableLayout] | None:
    """Row groups and rows per table from a checkpoint's log lines: a row group written as it is
    counts one; a merge counts its `target_count` groups of `merge_rows` rows."""
    groups: dict[str, list[int]] = {}
    for message in messages:
        match = _LOGGED.search(message)
        if match is None:
            continue
        info = dict(item.split("=", 1) for item in match["info"].split(", ") if "=" in item)
        try:
            n_groups, n_rows = ((int(info["target_count"]), int(info["merge_rows"])) if match["type"] == "vacuum"
                                else (1, int(info["count"])))
        except (KeyError, ValueError):
            return None       # a format this code does not know: say nothing rather than guess
        counted = groups.setdefault(match["table"], [0, 0])
        counted[0] += n_groups
        counted[1] += n_rows
    return {name: TableLayout(g, r) for name, (g, r) in groups.items()} or None
