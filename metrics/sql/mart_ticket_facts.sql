-- Grain: one row per ticket: its local creation day (reporting zone), every dimension, and its
-- response times (frt_minutes, ttr_hours; NULL when not answered / not resolved). Percentiles
-- are computed from these rows exactly; sorted by day so date-range scans skip row groups.
CREATE OR REPLACE TABLE mart_ticket_facts AS
WITH ticket_facts AS (
    SELECT
        date_trunc('day', timezone($tz, created_at)) AS created_day,
        region, language, vendor, abuse_category, queue, priority, channel, high_profile,
        (epoch_us(first_response_at) - epoch_us(created_at)) / 60e6 AS frt_minutes,
        (epoch_us(resolved_at) - epoch_us(created_at)) / 3600e6 AS ttr_hours
    FROM tickets
)
SELECT * FROM ticket_facts
ORDER BY created_day
