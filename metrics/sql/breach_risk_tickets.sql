-- Grain: one row per open, unanswered ticket whose first-response target falls in
-- [as_of, as_of + horizon), soonest target first. Same rule as breach_risk.sql.
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
      @filters@
)
SELECT *, (epoch_us(target_at) - epoch_us(CAST($as_of AS TIMESTAMPTZ))) / 60e6 AS minutes_left
FROM open_unanswered
WHERE target_at >= $as_of AND target_at < $as_of + to_microseconds($horizon_us)
ORDER BY target_at, source, ticket_id
