-- Grain: one row per day (reporting time zone) x region x vendor with at least one answered ticket.
-- frt_p90_minutes follows the metric contract: continuous 90th percentile of first-response minutes
-- over tickets created that day that have a first response.
WITH answered AS (
    SELECT
        date_trunc('day', timezone($tz, created_at)) AS bucket_at,
        region AS dim_a,
        vendor AS dim_b,
        date_diff('second', created_at, first_response_at) / 60.0 AS frt_minutes
    FROM tickets
    WHERE first_response_at IS NOT NULL AND created_at >= $from_at
)
SELECT bucket_at, dim_a, dim_b, quantile_cont(frt_minutes, 0.9) AS frt_p90_minutes, count(*) AS n_answered
FROM answered
GROUP BY ALL
ORDER BY bucket_at, dim_a, dim_b
