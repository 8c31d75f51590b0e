"""tickets_zendesk.csv: the Zendesk admin CSV export, as /tmp/formats.md describes it.

Naive timestamps in the export time zone, CRLF line ends, quoting only where needed, custom
fields appended as `Name [list]`, and the usual mess: blank priorities, "Offered"/"Unoffered"
satisfaction, 1900-01-01 placeholders, the legacy "Copyright" category and blank categories.
"""
from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from sample_data import catalog as C
from sample_data.textcsv import constant, integers, labels, naive_local
from sample_data.writer_canonical import tags
from sample_data.csv_layout import CsvLayout, WriterContext

HEADER = (
    "Summation column", "Id", "Requester", "Requester id", "Requester external id",
    "Requester email", "Requester domain", "Submitter", "Assignee", "Group", "Subject", "Tags",
    "Status", "Priority", "Via", "Ticket type", "Created at", "Updated at", "Assigned at",
    "Organization", "Due date", "Initially assigned at", "Solved at", "Resolution time",
    "Satisfaction Score", "Group stations", "Assignee stations", "Reopens", "Replies",
    "First reply time in minutes", "First reply time in minutes within business hours",
    "First resolution time in minutes",
    "First resolution time in minutes within business hours",
    "Full resolution time in minutes", "Full resolution time in minutes within business hours",
    "Agent wait time in minutes", "Agent wait time in minutes within business hours",
    "Requester wait time in minutes", "Requester wait time in minutes within business hours",
    "On hold time in minutes", "On hold time in minutes within business hours",
    "Abuse category [list]", "Region [list]", "Language [list]", "Vendor [list]",
    "High profile [flag]", "QA score [int]",
)
PLACEHOLDER = "1900-01-01 00:00:00"
ZENDESK_ID_OFFSET = 100_000


def subjects(chunk: dict) -> pa.Array:
    flat = [text for pair in C.CATEGORY_SUBJECTS for text in pair]
    return labels(flat, chunk["category"].astype(np.int64) * 2 + chunk["subject_variant"])


def _with_placeholder(text: pa.Array, placeholder: np.ndarray) -> pa.Array:
    return pc.if_else(pa.array(placeholder), pa.scalar(PLACEHOLDER), text)


def _assigned_at(chunk: dict) -> np.ndarray:
    """Assignment happens between creation and the first reply (or the last update)."""
    answered = chunk["first_response"] >= 0
    until = np.where(answered, chunk["first_response"], chunk["updated"])
    assigned = chunk["created"] + (until - chunk["created"]) // 2
    return np.where(chunk["agent"] >= 0, assigned, -1)


def _satisfaction(chunk: dict) -> pa.Array:
    words = labels(("Unoffered", "Offered"), chunk["csat_offered"].astype(np.int8))
    return pc.if_else(pa.array(chunk["csat"] > 0), integers(chunk["csat"]), words)


def _minutes(seconds: np.ndarray, known: np.ndarray, factor: float = 1.0) -> pa.Array:
    return integers(np.rint(np.where(known, seconds, 0) / 60 * factor), null=~known)


def zendesk_columns(chunk: dict, context: WriterContext) -> list[pa.Array]:
    n = chunk["created"].size
    zone = context.export_timezone
    reporter = chunk["reporter"]
    people = context.reporters
    name = people.display_name(reporter)
    answered = chunk["first_response"] >= 0
    solved = chunk["resolved"] >= 0
    assigned = naive_local(_assigned_at(chunk), zone)
    agent = chunk["agent"]
    assignee = pc.take(context.agents["name"],
                       pa.array(np.where(agent < 0, 0, agent), mask=agent < 0))
    frt_seconds = chunk["frt_minutes"] * 60
    first_resolution = chunk["resolved"] - chunk["created"]
    full_resolution = chunk["final_solved"] - chunk["created"]
    escalated = chunk["escalated"].astype(np.int64)
    on_hold = chunk["status"] == C.ON_HOLD
    return [
        constant(None, n), integers(chunk["ticket_no"] + ZENDESK_ID_OFFSET), name,
        integers(people.requester_id(reporter)), constant(None, n), people.email(reporter),
        people.email_domain(reporter), name, assignee, labels(C.QUEUES, chunk["queue"]),
        subjects(chunk), tags(chunk, " "), labels(C.STATUS_ZENDESK, chunk["status"]),
        labels(C.PRIORITY_ZENDESK, chunk["priority"], blank=chunk["blank_priority"]),
        labels(C.CHANNEL_ZENDESK, chunk["channel"]), constant("Incident", n),
        naive_local(chunk["created"], zone), naive_local(chunk["updated"], zone), assigned,
        constant(None, n),
        pc.if_else(pa.array(chunk["placeholder_due"]), pa.scalar(PLACEHOLDER),
                   constant(None, n)),
        assigned,
        _with_placeholder(naive_local(chunk["resolved"], zone), chunk["placeholder_solved"]),
        integers(np.where(solved, first_resolution, 0) // 3600, null=~solved),
        _satisfaction(chunk),
        integers(1 + escalated), integers(np.where(agent >= 0, 1 + escalated, 0)),
        integers(chunk["reopen_count"]),
        integers(np.where(answered, 1 + chunk["reopen_count"] + solved, 0)),
        integers(chunk["frt_minutes"], null=~answered),
        _minutes(frt_seconds, answered, 0.45),
        _minutes(first_resolution, solved), _minutes(first_resolution, solved, 0.45),
        _minutes(full_resolution, solved), _minutes(full_resolution, solved, 0.45),
        _minutes(frt_seconds, answered), _minutes(frt_seconds, answered, 0.45),
        _minutes(full_resolution, solved, 0.7), _minutes(full_resolution, solved, 0.3),
        integers(np.zeros(n), null=~(on_hold | solved)),
        integers(np.zeros(n), null=~(on_hold | solved)),
        labels(C.CATEGORY_DISPLAY, chunk["category"], blank=chunk["blank_category"]),
        labels(C.REGIONS, chunk["region"]), labels(C.LANGUAGES, chunk["language"]),
        labels(C.VENDOR_DISPLAY, chunk["vendor"]),
        labels(("No", "Yes"), chunk["high_profile"].astype(np.int8)),
        integers(np.nan_to_num(chunk["qa"]), null=np.isnan(chunk["qa"])),
    ]


_TEXT_COLUMNS = {"Requester", "Submitter", "Assignee", "Group", "Subject", "Tags"}
LAYOUT = CsvLayout(
    file_name="tickets_zendesk.csv", header=HEADER, build=zendesk_columns, eol="\r\n",
    quote_header=True,
    plain=frozenset(i for i, name in enumerate(HEADER) if name not in _TEXT_COLUMNS),
)
