"""The reasons a row is rejected and the notes a kept row can carry, as the normalising statement
writes them into tickets.load_detail (pipelines/normalize.py) and the load reads them back
(move_rejected_rows.sql, load_notes.sql)."""
from __future__ import annotations


def _trimmed(raw: str) -> str:
    """Fields that are only cast or looked up keep their cells untrimmed (normalize.CAST_FIELDS,
    LOOKUP_FIELDS): the value shown is trimmed here, for the rejected rows only."""
    return f"NULLIF(trim({raw}), '')"


# The raw value shown for a rule on a time that may come as a date or as a duration.
_RESOLVED_RAW = (f"coalesce({_trimmed('raw_resolved_at')}, {_trimmed('raw_resolution_hours')}, "
                 f"{_trimmed('raw_resolution_minutes')}, {_trimmed('raw_resolution_seconds')})")
_FIRST_RESPONSE_RAW = (f"coalesce({_trimmed('raw_first_response_at')}, {_trimmed('raw_first_response_minutes')}, "
                       f"{_trimmed('raw_first_response_hours')}, {_trimmed('raw_first_response_seconds')})")

# Each rule's reason -> the canonical column it is about, and the raw value shown with it.
REJECTED_FIELD = {
    "empty row": ("ticket_id", None),             # every cell of the row blank
    "missing ticket id": ("ticket_id", None),
    "repeated header row": ("created_at", _trimmed("raw_created_at")),    # exports joined with `cat`
    "missing created_at": ("created_at", _trimmed("raw_created_at")),
    "unparseable created_at": ("created_at", _trimmed("raw_created_at")),
    "unparseable updated_at": ("updated_at", _trimmed("raw_updated_at")),
    "updated before created": ("updated_at", _trimmed("raw_updated_at")),
    "unparseable resolved_at": ("resolved_at", _RESOLVED_RAW),
    "resolved before created": ("resolved_at", _RESOLVED_RAW),
    "unparseable resolution minutes": ("resolved_at", _RESOLVED_RAW),
    "unparseable resolution hours": ("resolved_at", _RESOLVED_RAW),
    "unparseable resolution seconds": ("resolved_at", _RESOLVED_RAW),
    "unparseable first_response_at": ("first_response_at", _FIRST_RESPONSE_RAW),
    "unparseable first response minutes": ("first_response_at", _FIRST_RESPONSE_RAW),
    "unparseable first response hours": ("first_response_at", _FIRST_RESPONSE_RAW),
    "unparseable first response seconds": ("first_response_at", _FIRST_RESPONSE_RAW),
    "first response before created": ("first_response_at", _FIRST_RESPONSE_RAW),
    "missing status": ("status", _trimmed("raw_status")),
    "status mapped outside the allowed values": ("status", _trimmed("raw_status")),
    "unknown status": ("status", _trimmed("raw_status")),
    "priority mapped outside the allowed values": ("priority", _trimmed("raw_priority")),
    "channel mapped outside the allowed values": ("channel", _trimmed("raw_channel")),
    "unknown priority": ("priority", _trimmed("raw_priority")),
    "invalid escalated flag": ("escalated", _trimmed("raw_escalated")),
    "invalid high_profile flag": ("high_profile", _trimmed("raw_high_profile")),
    "invalid reopen count": ("reopen_count", _trimmed("raw_reopen_count")),
    "negative reopen count": ("reopen_count", _trimmed("raw_reopen_count")),
    "invalid qa_score": ("qa_score", _trimmed("raw_qa_score")),
    "qa_score out of range 0-100": ("qa_score", _trimmed("raw_qa_score")),
    "invalid csat": ("csat", _trimmed("raw_csat")),
    "csat out of range 1-5": ("csat", _trimmed("raw_csat")),
}

# Bits of load_detail's note_flags; load_notes.sql reads them with the same values.
NOTE_FLAGS = {"category_unmapped": 1, "channel_unmapped": 2, "priority_defaulted": 4, "placeholder_date": 8,
              "reopened_resolution_dropped": 16, "solved_without_date": 32}


def reject_column_case() -> str:
    """The canonical column a reject reason is about (the reasons are this module's constants)."""
    whens = " ".join(f"WHEN '{reason}' THEN '{column}'" for reason, (column, _) in REJECTED_FIELD.items())
    return f"CASE reject_reason {whens} END"


def reject_value_case() -> str:
    whens = " ".join(f"WHEN '{reason}' THEN {raw}" for reason, (_, raw) in REJECTED_FIELD.items() if raw)
    return f"CASE reject_reason {whens} END"
