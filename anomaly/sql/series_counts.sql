-- Grain: one row per bucket x {dim_a} x {dim_b} that has tickets (the caller fills empty buckets with 0).
-- {series_filter}: nothing, or " AND <dim> = $only_<i>" per dimension a drill-down keeps (values bound).
-- Hourly buckets are UTC hours; daily buckets are days in the reporting time zone ($tz).
WITH ticket_buckets AS (
    SELECT
        CASE WHEN $grain = 'hour' THEN date_trunc('hour', timezone('UTC', created_at))
             ELSE date_trunc('day', timezone($tz, created_at)) END AS bucket_at,
        {dim_a} AS dim_a,
        {dim_b} AS dim_b
    FROM tickets
    WHERE created_at >= $from_at{series_filter}
)
SELECT bucket_at, dim_a, dim_b, count(*) AS n_tickets
FROM ticket_buckets
GROUP BY ALL
ORDER BY bucket_at, dim_a, dim_b
