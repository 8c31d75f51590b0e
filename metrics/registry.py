"""The one list of metrics: name, meaning, unit, which direction is better, and the SQL behind it.

The CLI, the dashboard pages and the weekly report all read this registry, so a metric's
definition lives in exactly one place (the matching file in metrics/sql/).
"""
from __future__ import annotations

from dataclasses import dataclass

DIMENSIONS = ("region", "language", "vendor", "abuse_category", "queue", "priority", "channel", "high_profile")
GRAINS = ("hour", "day", "week", "month")
# The dimensions the daily mart keeps; `queue` is left out because it multiplies the mart's size
# for a dimension the pages do not slice by. Additive queries on queue read tickets directly.
MART_DIMENSIONS = ("region", "language", "vendor", "abuse_category", "priority", "channel", "high_profile")
# Roll-ups of mart_daily (same columns, fewer dimensions), smallest first: a query reads the first
# one that keeps every dimension it groups or filters by. The full mart is far sparser than its
# roll-ups (seven dimensions multiply into more cells per day than there are tickets).
MART_ROLLUPS = (
    ("mart_daily_vendor", ("vendor", "priority", "high_profile")),
    ("mart_daily_region_category", ("region", "abuse_category", "high_profile")),
    ("mart_daily_core", ("region", "abuse_category", "vendor", "priority", "high_profile")),
)
ADDITIVE_MARTS = (*MART_ROLLUPS, ("mart_daily", MART_DIMENSIONS))
# One row per ticket with its local creation day and response times: exact percentiles at day
# grain and coarser without converting time zones per query. Keeps every dimension.
FACTS_MART = "mart_ticket_facts"


@dataclass(frozen=True)
class Metric:
    name: str
    description: str
    unit: str          # "tickets", "minutes", "hours", "share", "score"
    direction: str     # "higher" | "lower" is better; "neutral" when neither
    sql_file: str      # in metrics/sql/
    # "additive": built from summable per-period components (can read the daily mart);
    # "percentile": exact quantiles straight from tickets; "snapshot": evaluated at as_of only.
    kind: str = "additive"


def _m(name, description, unit, direction, sql_file, kind="additive") -> tuple[str, Metric]:
    return name, Metric(name, description, unit, direction, sql_file, kind)


METRICS: dict[str, Metric] = dict([
    _m("inflow", "Tickets with created_at in the period.", "tickets", "neutral", "counts.sql"),
    _m("solved", "Tickets with resolved_at in the period.", "tickets", "higher", "counts.sql"),
    _m("backlog", "Tickets open at the period's end: created_at < end and (resolved_at is NULL or "
       "resolved_at >= end).", "tickets", "lower", "backlog.sql"),
    _m("backlog_age_lt_1d", "Backlog at the period's end that is less than 1 day old (end - created_at < 24h).",
       "tickets", "lower", "backlog.sql"),
    _m("backlog_age_1_3d", "Backlog at the period's end aged 1 to 3 days (24h <= age < 72h).",
       "tickets", "lower", "backlog.sql"),
    _m("backlog_age_3_7d", "Backlog at the period's end aged 3 to 7 days (72h <= age < 168h).",
       "tickets", "lower", "backlog.sql"),
    _m("backlog_age_gt_7d", "Backlog at the period's end aged 7 days or more (age >= 168h).",
       "tickets", "lower", "backlog.sql"),
    _m("frt_p50", "Median first-response minutes (first_response_at - created_at) over tickets created in "
       "the period that have one; continuous percentile.", "minutes", "lower", "percentiles.sql", "percentile"),
    _m("frt_p90", "90th percentile of first-response minutes over tickets created in the period that have "
       "one; continuous percentile.", "minutes", "lower", "percentiles.sql", "percentile"),
    _m("ttr_p50", "Median resolution hours (resolved_at - created_at) over tickets created in the period "
       "that are resolved; continuous percentile.", "hours", "lower", "percentiles.sql", "percentile"),
    _m("ttr_p90", "90th percentile of resolution hours over tickets created in the period that are "
       "resolved; continuous percentile.", "hours", "lower", "percentiles.sql", "percentile"),
    _m("sla_frt_attainment", "Of tickets created in the period whose first-response target is decided "
       "(answered, or unanswered with the target elapsed by as_of), the share answered within target.",
       "share", "higher", "ratios.sql"),
    _m("breach_risk", "Open, unanswered tickets whose first-response target falls within the next N hours "
       "of as_of (as_of <= target < as_of + N h); a snapshot at as_of.", "tickets", "lower",
       "breach_risk.sql", "snapshot"),
    _m("escalation_rate", "Share of tickets created in the period that were escalated.", "share", "lower",
       "ratios.sql"),
    _m("reopen_rate", "Share of tickets created in the period with reopen_count > 0.", "share", "lower",
       "ratios.sql"),
    _m("category_share", "Inflow of an abuse category / inflow of all categories, within the same other "
       "dimensions and period.", "share", "neutral", "category_share.sql"),
    _m("qa_avg", "Mean qa_score (0-100) over tickets created in the period that have one.", "score", "higher",
       "ratios.sql"),
    _m("csat_avg", "Mean csat (1-5) over tickets created in the period that have one.", "score", "higher",
       "ratios.sql"),
    _m("high_profile_inflow", "Tickets from high-profile or verified reporters created in the period.",
       "tickets", "neutral", "counts.sql"),
])

