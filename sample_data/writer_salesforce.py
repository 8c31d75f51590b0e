"""cases.csv and case_milestones.csv: Salesforce Data Loader extracts, as /tmp/formats.md says.

UTF-8 with BOM, every value quoted (empty ones as ""), LF line ends, upper-case API names.
The first response lives only in the "First Response" milestone, as in a real org.
"""
from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from sample_data import catalog as C
from sample_data.identities import salesforce_ids
from sample_data.textcsv import booleans, decimals, integers, iso_z, labels
from sample_data.writer_zendesk import subjects
from sample_data.csv_layout import CsvLayout, WriterContext

CASES_HEADER = (
    "ID", "CASENUMBER", "CREATEDDATE", "LASTMODIFIEDDATE", "CLOSEDDATE", "STATUS", "PRIORITY",
    "ORIGIN", "ISESCALATED", "ISCLOSED", "OWNERID", "CONTACTID", "SUPPLIEDEMAIL", "SUBJECT",
    "ABUSE_CATEGORY__C", "REGION__C", "LANGUAGE__C", "VENDOR__C", "QUEUE__C", "HIGH_PROFILE__C",
    "REOPEN_COUNT__C", "QA_SCORE__C", "CSAT__C",
)
MILESTONES_HEADER = ("ID", "CASEID", "MILESTONETYPE.NAME", "STARTDATE", "TARGETDATE",
                     "COMPLETIONDATE", "ISVIOLATED", "ISCOMPLETED")
# resolution milestones exist only for urgent and high cases (hours to resolve)
RESOLUTION_TARGET_HOURS = np.array([24, 72, 0, 0])
MILESTONE_KINDS = ("First Response", "Resolution")


def case_ids(ticket_no: np.ndarray, seed: int) -> pa.Array:
    return salesforce_ids("500", ticket_no, seed)


def _status(chunk: dict) -> pa.Array:
    working = np.isin(chunk["status"], (C.OPEN, C.PENDING))
    base = labels(C.STATUS_SALESFORCE, chunk["status"])
    return pc.if_else(pa.array(working & chunk["escalated"]), pa.scalar("Escalated"), base)


def cases_columns(chunk: dict, context: WriterContext) -> list[pa.Array]:
    agent = chunk["agent"]
    reporter = chunk["reporter"]
    return [
        case_ids(chunk["ticket_no"], context.seed),
        pc.utf8_lpad(integers(chunk["ticket_no"]), width=8, padding="0"),
        iso_z(chunk["created"], millis=True), iso_z(chunk["updated"], millis=True),
        iso_z(chunk["resolved"], millis=True), _status(chunk),
        labels(C.PRIORITY_SALESFORCE, chunk["priority"]),
        labels(C.CHANNEL_SALESFORCE, chunk["channel"]), booleans(chunk["escalated"]),
        booleans(chunk["resolved"] >= 0),
        pc.take(context.agents["salesforce"],
                pa.array(np.where(agent < 0, 0, agent), mask=agent < 0)),
        context.reporters.contact_id(reporter), context.reporters.email(reporter),
        subjects(chunk), labels(C.CATEGORY_API, chunk["category"]),
        labels(C.REGIONS, chunk["region"]), labels(C.LANGUAGES, chunk["language"]),
        labels(C.VENDOR_DISPLAY, chunk["vendor"]), labels(C.QUEUES, chunk["queue"]),
        booleans(chunk["high_profile"]), integers(chunk["reopen_count"]),
        decimals(chunk["qa"], suffix_zero=True),
        integers(chunk["csat"], null=chunk["csat"] == 0),
    ]


def _milestone_rows(chunk: dict, end: int) -> dict[str, np.ndarray]:
    """One First Response row per case, plus a Resolution row for urgent/high cases."""
    priority = chunk["priority"]
    has_resolution = RESOLUTION_TARGET_HOURS[priority] > 0
    pick = np.flatnonzero(has_resolution)
    kind = np.concatenate([np.zeros(priority.size, np.int8), np.ones(pick.size, np.int8)])
    case = np.concatenate([np.arange(priority.size), pick])
    target_seconds = np.concatenate([C.SLA_FRT_MINUTES[priority] * 60,
                                     RESOLUTION_TARGET_HOURS[priority[pick]] * 3600])
    completion = np.concatenate([chunk["first_response"], chunk["resolved"][pick]])
    order = np.lexsort((kind, case))
    rows = {"kind": kind[order], "case": case[order]}
    start = chunk["created"][rows["case"]]
    target = start + target_seconds[order]
    done = completion[order]
    rows.update(start=start, target=target, completion=done,
                violated=np.where(done >= 0, done > target, target < end),
                completed=done >= 0)
    return rows


def milestones_columns(chunk: dict, context: WriterContext) -> list[pa.Array]:
    rows = _milestone_rows(chunk, context.end_epoch)
    ticket_no = chunk["ticket_no"][rows["case"]]
    return [
        salesforce_ids("5tg", ticket_no * 2 + rows["kind"], context.seed),
        case_ids(ticket_no, context.seed), labels(MILESTONE_KINDS, rows["kind"]),
        iso_z(rows["start"], millis=True), iso_z(rows["target"], millis=True),
        iso_z(rows["completion"], millis=True), booleans(rows["violated"]),
        booleans(rows["completed"]),
    ]


CASES = CsvLayout(file_name="cases.csv", header=CASES_HEADER, build=cases_columns, eol="\n",
                  quote_header=True, quote_every_value=True, bom=True)
MILESTONES = CsvLayout(file_name="case_milestones.csv", header=MILESTONES_HEADER,
                       build=milestones_columns, eol="\n", quote_header=True,
                       quote_every_value=True, bom=True)
