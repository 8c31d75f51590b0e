-- Grain: one row per time slice the daily mart is built in: the local calendar months from the
-- first ticket to past as_of (age-band crossings of open tickets run up to 7 days past it).
WITH month_starts AS (
    SELECT unnest(generate_series(
        date_trunc('month', timezone($tz, $data_start)),
        date_trunc('month', timezone($tz, $as_of + INTERVAL 8 DAY)) + INTERVAL 1 MONTH,
        INTERVAL 1 MONTH)) AS local_start
),
slice_bounds AS (
    SELECT local_start, timezone($tz, local_start) AS start_at
    FROM month_starts
)
SELECT local_start, start_at, lead(start_at) OVER (ORDER BY start_at) AS end_at
FROM slice_bounds
ORDER BY start_at
