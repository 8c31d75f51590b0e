"""The canonical format (docs/mapping.md): as a typed arrow table, and as tickets_canonical.csv."""
from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from sample_data import catalog as C
from sample_data.textcsv import booleans, decimals, integers, iso_z, labels
from sample_data.csv_layout import CsvLayout, WriterContext

COLUMNS = ("ticket_id", "source", "created_at", "updated_at", "first_response_at", "resolved_at",
           "status", "priority", "channel", "abuse_category", "region", "language", "vendor",
           "queue", "agent_id", "escalated", "high_profile", "reopen_count", "qa_score", "csat",
           "reporter_hash", "tags")
UTC_SECONDS = pa.timestamp("s", tz="UTC")


def ticket_ids(chunk: dict) -> pa.Array:
    return integers(chunk["ticket_no"])


def tags(chunk: dict, separator: str) -> pa.Array:
    """Category tag, language tag, then 'escalated' and 'vip' when they apply."""
    category = labels(C.CATEGORIES, chunk["category"])
    language = labels(tuple(f"lang_{code}" for code in C.LANGUAGES), chunk["language"])
    escalated = labels(("", "escalated"), chunk["escalated"].astype(np.int8),
                       blank=~chunk["escalated"])
    vip = labels(("", "vip"), chunk["high_profile"].astype(np.int8), blank=~chunk["high_profile"])
    return pc.binary_join_element_wise(category, language, escalated, vip, separator,
                                       null_handling="skip")


def agent_ids(chunk: dict, context: WriterContext) -> pa.Array:
    agent = chunk["agent"]
    return pc.take(context.agents["id"], pa.array(np.where(agent < 0, 0, agent), mask=agent < 0))


def _coded(values: tuple[str, ...], codes: np.ndarray, compact: bool) -> pa.Array:
    """Labels as plain strings, or (compact) as a dictionary array over the fixed label list."""
    if not compact:
        return labels(values, codes)
    return pa.DictionaryArray.from_arrays(pa.array(np.asarray(codes, dtype=np.int32)),
                                          pa.array(values, pa.string()))


def canonical_table(chunk: dict, context: WriterContext, compact: bool = False) -> pa.Table:
    """One chunk as a typed table with exactly the canonical columns (timestamps UTC).

    compact=True dictionary-encodes the low-cardinality text columns (about 30% less memory;
    pandas sees them as categoricals, DuckDB reads them as VARCHAR).
    """
    def ts(key: str) -> pa.Array:
        values = chunk[key]
        return pa.array(np.where(values < 0, 0, values), pa.int64(),
                        mask=values < 0).cast(UTC_SECONDS)
    n = chunk["created"].size
    arrays = [
        ticket_ids(chunk), _coded(("canonical",), np.zeros(n, dtype=np.int8), compact),
        ts("created"), ts("updated"), ts("first_response"), ts("resolved"),
        _coded(C.STATUSES, chunk["status"], compact),
        _coded(C.PRIORITIES, chunk["priority"], compact),
        _coded(C.CHANNELS, chunk["channel"], compact),
        _coded(C.CATEGORIES, chunk["category"], compact),
        _coded(C.REGIONS, chunk["region"], compact),
        _coded(C.LANGUAGES, chunk["language"], compact),
        _coded(C.VENDORS, chunk["vendor"], compact), _coded(C.QUEUES, chunk["queue"], compact),
        agent_ids(chunk, context), pa.array(chunk["escalated"]), pa.array(chunk["high_profile"]),
        pa.array(chunk["reopen_count"].astype(np.int32)),
        pa.array(chunk["qa"], mask=np.isnan(chunk["qa"])),
        pa.array(chunk["csat"].astype(np.int32), mask=chunk["csat"] == 0),
        context.reporters.reporter_hash(chunk["reporter"]),
        pc.split_pattern(tags(chunk, "|"), "|"),
    ]
    return pa.Table.from_arrays(arrays, names=list(COLUMNS))


def canonical_csv_columns(chunk: dict, context: WriterContext) -> list[pa.Array]:
    n = chunk["created"].size
    return [
        ticket_ids(chunk), labels(("canonical",), np.zeros(n, dtype=np.int8)),
        iso_z(chunk["created"]), iso_z(chunk["updated"]), iso_z(chunk["first_response"]),
        iso_z(chunk["resolved"]),
        labels(C.STATUSES, chunk["status"]), labels(C.PRIORITIES, chunk["priority"]),
        labels(C.CHANNELS, chunk["channel"]), labels(C.CATEGORIES, chunk["category"]),
        labels(C.REGIONS, chunk["region"]), labels(C.LANGUAGES, chunk["language"]),
        labels(C.VENDORS, chunk["vendor"]), labels(C.QUEUES, chunk["queue"]),
        agent_ids(chunk, context), booleans(chunk["escalated"]), booleans(chunk["high_profile"]),
        integers(chunk["reopen_count"]), decimals(chunk["qa"], suffix_zero=False),
        integers(chunk["csat"], null=chunk["csat"] == 0),
        context.reporters.reporter_hash(chunk["reporter"]), tags(chunk, "|"),
    ]


LAYOUT = CsvLayout(
    file_name="tickets_canonical.csv", header=COLUMNS, build=canonical_csv_columns,
    eol="\n", quote_header=False,
    # only queue names and tags could ever hold a comma; everything else is codes and numbers
    plain=frozenset(i for i, name in enumerate(COLUMNS) if name not in ("queue", "tags")),
)
