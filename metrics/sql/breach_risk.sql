-- Grain: one row per requested dimension combination, in the period that contains as_of: open,
-- unanswered tickets whose first-response target falls in [as_of, as_of + horizon). Targets
-- already passed are breaches (see sla_frt_attainment), not risks. n = open unanswered tickets.
WITH open_unanswered AS (
    SELECT
        created_at + to_minutes(CAST(CASE priority
            WHEN 'urgent' THEN $sla_urgent_minutes
            WHEN 'high'   THEN $sla_high_minutes
            WHEN 'normal' THEN $sla_normal_minutes
            WHEN 'low'    THEN $sla_low_minutes
        END AS BIGINT)) AS sla_target_at
        @dims@
    FROM tickets
    WHERE (resolved_at IS NULL OR resolved_at > $as_of)
      AND (first_response_at IS NULL OR first_response_at > $as_of)
      AND created_at <= $as_of
      @filters@
),
at_risk AS (
    SELECT *,
           sla_target_at >= $as_of AND sla_target_at < $as_of + to_microseconds($horizon_us) AS is_at_risk
    FROM open_unanswered
)
SELECT
    CASE WHEN $is_window THEN $first_period
         ELSE date_trunc($trunc_part, timezone($tz, $as_of)) END AS period_start
    @dims@,
    CAST(count(*) FILTER (WHERE is_at_risk) AS DOUBLE) AS value,
    count(*) AS n
FROM at_risk
GROUP BY ALL
ORDER BY ALL
