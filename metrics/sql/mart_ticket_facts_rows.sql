-- Grain: one row per ticket created in [$start_at, $end_at) (the whole warehouse for a full build,
-- one local month for an incremental update): its key, its local creation and resolution days
-- (reporting zone), every dimension, and its response times (frt_minutes, ttr_hours; NULL when not
-- answered / not resolved). Percentiles are computed from these rows exactly; sorted by day so
-- date-range scans skip row groups. Key and resolved_day let an incremental update find the months
-- a changed ticket's previous version had events in (metrics/sql/mart_touched_months.sql).
WITH ticket_facts AS (
    SELECT
        source,
        ticket_id,
        date_trunc('day', timezone($tz, created_at)) AS created_day,
        date_trunc('day', timezone($tz, resolved_at)) AS resolved_day,
        region, language, vendor, abuse_category, queue, priority, channel, high_profile,
        (epoch_us(first_response_at) - epoch_us(created_at)) / 60e6 AS frt_minutes,
        (epoch_us(resolved_at) - epoch_us(created_at)) / 3600e6 AS ttr_hours
    FROM tickets
    WHERE created_at >= $start_at AND created_at < $end_at
)
SELECT * FROM ticket_facts
ORDER BY created_day
