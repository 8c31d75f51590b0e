"""tickets_jira.csv: Jira Service Management "Export Excel CSV (all fields)", per /tmp/formats.md.

Three repeated `Labels` columns filled left to right, dates like `12/Mar/24 9:41 AM` in the
export time zone, custom fields as `Custom field (Name)`.
"""
from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from sample_data import catalog as C
from sample_data.textcsv import constant, integers, jira_dates, labels
from sample_data.writer_zendesk import subjects
from sample_data.csv_layout import CsvLayout, WriterContext

HEADER = (
    "Summary", "Issue key", "Issue id", "Issue Type", "Status", "Project key", "Project name",
    "Priority", "Resolution", "Assignee", "Reporter", "Creator", "Created", "Updated",
    "Last Viewed", "Resolved", "Due date", "Labels", "Labels", "Labels",
    "Custom field (Abuse category)", "Custom field (Region)", "Custom field (Request language)",
    "Custom field (Vendor)", "Custom field (Team)", "Custom field (Request Type)",
    "Custom field ([CHART] Date of First Response)", "Custom field (Reopen count)",
    "Custom field (QA score)", "Custom field (Satisfaction rating)",
    "Custom field (High profile)", "Custom field (Channel)",
)
PROJECT_KEY = "TNS"
ISSUE_ID_OFFSET = 10_000


def _status(chunk: dict) -> pa.Array:
    status = chunk["status"]
    answered = chunk["first_response"] >= 0
    base = labels(C.STATUS_JIRA, status)
    in_progress = pc.if_else(pa.array((status == C.OPEN) & answered), pa.scalar("In Progress"),
                             base)
    escalated = np.isin(status, (C.OPEN, C.PENDING)) & chunk["escalated"]
    return pc.if_else(pa.array(escalated), pa.scalar("Escalated"), in_progress)


def _priority(chunk: dict) -> pa.Array:
    return pc.if_else(pa.array(chunk["lowest_priority"]), pa.scalar("Lowest"),
                      labels(C.PRIORITY_JIRA, chunk["priority"]))


def _labels(chunk: dict) -> list[pa.Array]:
    """Labels 'escalated', 'vip', 'lang_xx' packed into the first free Labels columns."""
    esc, vip = chunk["escalated"], chunk["high_profile"]
    lang = labels(tuple(f"lang_{code}" for code in C.LANGUAGES), chunk["language"])
    none = pa.scalar(None, pa.string())
    first = pc.if_else(pa.array(esc), pa.scalar("escalated"),
                       pc.if_else(pa.array(vip), pa.scalar("vip"), lang))
    second = pc.if_else(pa.array(esc), pc.if_else(pa.array(vip), pa.scalar("vip"), lang),
                        pc.if_else(pa.array(vip), lang, none))
    third = pc.if_else(pa.array(esc & vip), lang, none)
    return [first, second, third]


def jira_columns(chunk: dict, context: WriterContext) -> list[pa.Array]:
    n = chunk["created"].size
    zone = context.export_timezone
    agent = chunk["agent"]
    reporter = context.reporters.atlassian_id(chunk["reporter"])
    solved = chunk["resolved"] >= 0
    return [
        subjects(chunk),
        pc.binary_join_element_wise(f"{PROJECT_KEY}-", integers(chunk["ticket_no"]), ""),
        integers(chunk["ticket_no"] + ISSUE_ID_OFFSET), constant("Incident", n),
        _status(chunk), constant(PROJECT_KEY, n), constant("Trust and Safety", n),
        _priority(chunk), labels(("", "Done"), solved.astype(np.int8), blank=~solved),
        pc.take(context.agents["name"], pa.array(np.where(agent < 0, 0, agent), mask=agent < 0)),
        reporter, reporter,
        jira_dates(chunk["created"], zone), jira_dates(chunk["updated"], zone),
        constant(None, n), jira_dates(chunk["resolved"], zone), constant(None, n),
        *_labels(chunk),
        labels(C.CATEGORY_DISPLAY, chunk["category"], blank=chunk["blank_category"]),
        labels(C.REGIONS, chunk["region"]), labels(C.LANGUAGES, chunk["language"]),
        labels(C.VENDOR_DISPLAY, chunk["vendor"]), labels(C.QUEUES, chunk["queue"]),
        constant("Report a safety issue", n), jira_dates(chunk["first_response"], zone),
        integers(chunk["reopen_count"]),
        integers(np.nan_to_num(chunk["qa"]), null=np.isnan(chunk["qa"])),
        integers(chunk["csat"], null=chunk["csat"] == 0),
        labels(("No", "Yes"), chunk["high_profile"].astype(np.int8)),
        labels(C.CHANNEL_JIRA, chunk["channel"]),
    ]


LAYOUT = CsvLayout(file_name="tickets_jira.csv", header=HEADER, build=jira_columns, eol="\n",
                   quote_header=True)
