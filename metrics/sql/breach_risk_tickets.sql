-- Grain: one row per ticket open and unanswered as of the data's as_of whose first-response
-- target falls in [now, now + horizon), soonest target first (now = as_of gives breach_risk.sql's
-- rule). created_after = now - the longest target bounds the scan.
WITH open_unanswered AS (
    SELECT
        source, ticket_id, created_at, priority, region, vendor, queue, abuse_category,
        created_at + to_minutes(CAST(CASE priority
            WHEN 'urgent' THEN $sla_urgent_minutes
            WHEN 'high'   THEN $sla_high_minutes
            WHEN 'normal' THEN $sla_normal_minutes
            WHEN 'low'    THEN $sla_low_minutes
        END AS BIGINT)) AS target_at
    FROM tickets
    WHERE (resolved_at IS NULL OR resolved_at > $as_of)
      AND (first_response_at IS NULL OR first_response_at > $as_of)
      AND created_at <= $as_of
      AND created_at >= $created_after
      @filters@
)
SELECT *, (epoch_us(target_at) - epoch_us(CAST($now AS TIMESTAMPTZ))) / 60e6 AS minutes_left
FROM open_unanswered
WHERE target_at >= $now AND target_at < $now + to_microseconds($horizon_us)
ORDER BY target_at, source, ticket_id
