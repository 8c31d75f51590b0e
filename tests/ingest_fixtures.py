"""Export files written the way each vendor writes them, for the ingest tests."""
from __future__ import annotations

import csv
import io
from pathlib import Path

import duckdb

from pipelines.ingest import ingest_file

ZENDESK_COLUMNS = [
    "Summation column", "Id", "Requester", "Requester id", "Requester external id", "Requester email",
    "Requester domain", "Submitter", "Assignee", "Group", "Subject", "Tags", "Status", "Priority", "Via",
    "Ticket type", "Created at", "Updated at", "Assigned at", "Organization", "Due date",
    "Initially assigned at", "Solved at", "Resolution time", "Satisfaction Score", "Group stations",
    "Assignee stations", "Reopens", "Replies", "First reply time in minutes",
    "First reply time in minutes within business hours", "First resolution time in minutes",
    "First resolution time in minutes within business hours", "Full resolution time in minutes",
    "Full resolution time in minutes within business hours", "Agent wait time in minutes",
    "Agent wait time in minutes within business hours", "Requester wait time in minutes",
    "Requester wait time in minutes within business hours", "On hold time in minutes",
    "On hold time in minutes within business hours", "Abuse category [list]", "Region [list]",
    "Language [list]", "Vendor [list]", "High profile [flag]", "QA score [int]",
]

CANONICAL_COLUMNS = [
    "ticket_id", "source", "created_at", "updated_at", "first_response_at", "resolved_at", "status",
    "priority", "channel", "abuse_category", "region", "language", "vendor", "queue", "agent_id",
    "escalated", "high_profile", "reopen_count", "qa_score", "csat", "reporter_hash", "tags",
]

SALESFORCE_COLUMNS = [
    "ID", "CASENUMBER", "CREATEDDATE", "LASTMODIFIEDDATE", "CLOSEDDATE", "STATUS", "PRIORITY", "ORIGIN",
    "ISESCALATED", "ISCLOSED", "OWNERID", "CONTACTID", "SUPPLIEDEMAIL", "SUBJECT", "ABUSE_CATEGORY__C",
    "REGION__C", "LANGUAGE__C", "VENDOR__C", "QUEUE__C", "HIGH_PROFILE__C", "REOPEN_COUNT__C",
    "QA_SCORE__C", "CSAT__C",
]

MILESTONE_COLUMNS = ["ID", "CASEID", "MILESTONETYPE.NAME", "STARTDATE", "TARGETDATE", "COMPLETIONDATE",
                     "ISVIOLATED", "ISCOMPLETED"]

JIRA_COLUMNS = [
    "Summary", "Issue key", "Issue id", "Issue Type", "Status", "Project key", "Project name", "Priority",
    "Resolution", "Assignee", "Reporter", "Creator", "Created", "Updated", "Last Viewed", "Resolved",
    "Due date", "Labels", "Labels", "Labels", "Custom field (Abuse category)", "Custom field (Region)",
    "Custom field (Request language)", "Custom field (Vendor)", "Custom field (Team)",
    "Custom field (Request Type)", "Custom field ([CHART] Date of First Response)",
    "Custom field (Reopen count)", "Custom field (QA score)", "Custom field (Satisfaction rating)",
    "Custom field (High profile)", "Custom field (Channel)",
]


def zendesk_row(**values: str) -> dict:
    base = {c: "" for c in ZENDESK_COLUMNS}
    base.update({"Id": "1", "Status": "Open", "Priority": "Normal", "Via": "Web form",
                 "Created at": "2026-03-02 10:00:00", "Updated at": "2026-03-02 10:05:00",
                 "Abuse category [list]": "Spam", "Region [list]": "BR", "Language [list]": "pt",
                 "Vendor [list]": "Kestrel CX", "Reopens": "0", "Group": "Safety - Spam"})
    for key, value in values.items():
        if key not in base:
            raise KeyError(key)
        base[key] = value
    return base


def canonical_row(**values: str) -> dict:
    base = {c: "" for c in CANONICAL_COLUMNS}
    base.update({"ticket_id": "C1", "source": "canonical", "created_at": "2026-03-02T10:00:00Z",
                 "updated_at": "2026-03-02T10:05:00Z", "status": "open", "priority": "normal",
                 "channel": "web", "abuse_category": "spam", "region": "US", "language": "en",
                 "vendor": "in_house", "queue": "general", "escalated": "false", "high_profile": "false",
                 "reopen_count": "0"})
    for key, value in values.items():
        if key not in base:
            raise KeyError(key)
        base[key] = value
    return base


def write_csv(path: Path, columns: list[str], rows: list[dict | list], *, line_end: str = "\r\n",
              bom: bool = False, quote_all: bool = False) -> Path:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator=line_end,
                        quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row.get(c, "") for c in columns] if isinstance(row, dict) else row)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + buf.getvalue().encode("utf-8"))
    return path


def load(con: duckdb.DuckDBPyConnection, path: Path, config, **kwargs):
    return ingest_file(con, path, config, **kwargs)


def one(con: duckdb.DuckDBPyConnection, sql: str, params=None):
    rows = con.execute(sql, params or []).fetchall()
    assert len(rows) == 1, rows
    return rows[0]
