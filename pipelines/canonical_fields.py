"""The canonical ticket fields as a user meets them: type, whether a load needs them, the values
allowed, and what the metrics lose when an export does not have them.

One table serves the load summary ("first response: not in this export, ..."), `safetyops
mapping draft` / `check` and docs/mapping.md, so the three say the same thing.
"""
from __future__ import annotations

from dataclasses import dataclass

STATUSES = ("new", "open", "pending", "on_hold", "solved", "closed")
RESOLVED_STATUSES = ("solved", "closed")
PRIORITIES = ("urgent", "high", "normal", "low")
CHANNELS = ("web", "app", "email", "api", "phone", "chat", "other")
BOOLEAN_VALUES = ("true", "false")
TRUE_WORDS = ("true", "t", "yes", "y", "1")
FALSE_WORDS = ("false", "f", "no", "n", "0")


@dataclass(frozen=True)
class CanonicalField:
    name: str
    type: str
    label: str                       # how the summary names it
    when_missing: str                # what a load without it does, for the summary
    required: bool = False
    allowed: tuple[str, ...] = ()    # closed vocabulary (empty: any text)
    # mapping fields that can fill it besides itself (e.g. first_response_minutes)
    filled_by: tuple[str, ...] = ()


FIELDS: tuple[CanonicalField, ...] = (
    CanonicalField("ticket_id", "text", "ticket id", "every row is rejected", required=True),
    CanonicalField("created_at", "timestamp", "created", "every row is rejected", required=True),
    CanonicalField("status", "text", "status", "every row is rejected", required=True, allowed=STATUSES),
    CanonicalField("updated_at", "timestamp", "updated",
                   "the latest of created / first response / resolved is used; a newer export of a "
                   "ticket replaces the stored one only when that time moves"),
    CanonicalField("first_response_at", "timestamp", "first response",
                   "FRT metrics will be empty for these tickets",
                   filled_by=("first_response_minutes", "first_response_hours", "first_response_seconds")),
    CanonicalField("resolved_at", "timestamp", "resolved",
                   "solved/closed tickets are resolved at their latest known time (resolution-time "
                   "metrics are estimates, 0 when nothing after creation is known)",
                   filled_by=("resolution_hours", "resolution_minutes", "resolution_seconds")),
    CanonicalField("priority", "text", "priority", "every ticket counts as normal priority",
                   allowed=PRIORITIES),
    CanonicalField("channel", "text", "channel", "every ticket counts as channel other", allowed=CHANNELS),
    CanonicalField("abuse_category", "text", "abuse category",
                   "every ticket counts as category other (the config's [taxonomy] lists the allowed ones)"),
    CanonicalField("region", "text", "region", "region metrics show unknown"),
    CanonicalField("language", "text", "language", "language metrics show unknown"),
    CanonicalField("vendor", "text", "vendor", "vendor metrics show unknown"),
    CanonicalField("queue", "text", "queue", "queue metrics show unknown"),
    CanonicalField("agent_id", "text", "agent", "agent metrics will be empty", filled_by=("agent",)),
    CanonicalField("escalated", "boolean", "escalated", "escalation rate will be 0",
                   allowed=BOOLEAN_VALUES),
    CanonicalField("high_profile", "boolean", "high profile", "no ticket counts as high profile",
                   allowed=BOOLEAN_VALUES),
    CanonicalField("reopen_count", "integer >= 0", "reopens", "reopen rate will be 0"),
    CanonicalField("qa_score", "number 0-100", "QA score", "QA metrics will be empty"),
    CanonicalField("csat", "integer 1-5", "CSAT", "CSAT metrics will be empty"),
    CanonicalField("reporter_hash", "text (keyed hash)", "reporter",
                   "tickets carry no reporter key (the keyed hash that tells one reporter's tickets from another's)",
                   filled_by=("reporter",)),
    CanonicalField("tags", "list of text", "tags", "no tags (tag-based fields stay blank)"),
)

BY_NAME = {f.name: f for f in FIELDS}
REQUIRED = tuple(f.name for f in FIELDS if f.required)

# Figures kept beside the canonical ones, never mixed into them: a help desk's business-hours
# minutes are not calendar minutes (a 2-day weekend reply is 0 business minutes).
EXTRA_FIELDS: dict[str, str] = {
    "first_response_business_minutes": "first reply time in business-hours minutes (Zendesk)",
    "resolution_business_minutes": "full resolution time in business-hours minutes (Zendesk)",
    "requester_wait_minutes": "requester wait time in calendar minutes (Zendesk)",
    "requester_wait_business_minutes": "requester wait time in business-hours minutes (Zendesk)",
    "agent_wait_minutes": "agent wait time in calendar minutes (Zendesk)",
    "agent_wait_business_minutes": "agent wait time in business-hours minutes (Zendesk)",
}

# Inputs that are not stored themselves: each derives a canonical field.
DERIVED_FIELDS: dict[str, str] = {
    "first_response_minutes": "calendar minutes from created to first reply -> first_response_at",
    "first_response_hours": "calendar hours from created to first reply -> first_response_at",
    "resolution_hours": "calendar hours from created to resolution -> resolved_at",
    "resolution_minutes": "calendar minutes from created to resolution -> resolved_at",
    "first_response_seconds": "calendar seconds from created to first reply -> first_response_at",
    "resolution_seconds": "calendar seconds from created to resolution -> resolved_at",
    "reporter": "requester id or e-mail, hashed with the config's key -> reporter_hash",
    "agent": "assignee name or e-mail, hashed -> agent_id",
    "subject": "ticket subject, stored only when [privacy] store_ticket_text = true",
    "description": "ticket description, stored only when [privacy] store_ticket_text = true",
}


def missing_field_note(name: str) -> str:
    """The summary's line for a field this export does not have."""
    f = BY_NAME[name]
    return f"{f.label}: not in this export, {f.when_missing}"
