-- Grain: one row per ticket (drill-down listing, one page). reporter_hash is never listed.
-- Sort columns come from an allow-list; the window and filter values are bound. @scope@ is one of
-- two fixed conditions (metrics/ticket_listing.py): created in the window, or open at its end.
WITH scoped_tickets AS (
    SELECT
        source, ticket_id, created_at, first_response_at, resolved_at, status, priority, channel,
        abuse_category, region, language, vendor, queue, agent_id, escalated, high_profile,
        reopen_count, qa_score, csat, tags,
        (epoch_us(first_response_at) - epoch_us(created_at)) / 60e6 AS frt_minutes,
        (epoch_us(resolved_at) - epoch_us(created_at)) / 3600e6 AS ttr_hours
    FROM tickets
    WHERE @scope@
      @filters@
)
-- The total comes from ticket_count.sql: a count(*) OVER () here would make DuckDB hold every
-- matching ticket before the sort, where ORDER BY ... LIMIT keeps only the page (a top-N heap).
SELECT *
FROM scoped_tickets
ORDER BY @order@
LIMIT $limit OFFSET $offset
