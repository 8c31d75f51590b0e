-- Grain: one row per value of {dim} among the flagged series' tickets, with its count inside the
-- alert window and in each of the same windows 1..4 weeks earlier (its own expectation).
-- {series_filter} is built from allow-listed dimension names; values are bound ($v0, $v1, ...).
WITH series_tickets AS (
    SELECT {dim_expr} AS value, created_at
    FROM tickets
    WHERE {series_filter}
      AND created_at >= $start_at - INTERVAL 28 DAY AND created_at < $end_at
),
windowed AS (
    SELECT
        value,
        CASE
            WHEN created_at >= $start_at THEN 0
            WHEN created_at >= $start_at - INTERVAL 7 DAY AND created_at < $end_at - INTERVAL 7 DAY THEN 1
            WHEN created_at >= $start_at - INTERVAL 14 DAY AND created_at < $end_at - INTERVAL 14 DAY THEN 2
            WHEN created_at >= $start_at - INTERVAL 21 DAY AND created_at < $end_at - INTERVAL 21 DAY THEN 3
            WHEN created_at >= $start_at - INTERVAL 28 DAY AND created_at < $end_at - INTERVAL 28 DAY THEN 4
        END AS weeks_back
    FROM series_tickets
)
SELECT
    value,
    count(*) FILTER (WHERE weeks_back = 0) AS n_window,
    count(*) FILTER (WHERE weeks_back = 1) AS n_week_1,
    count(*) FILTER (WHERE weeks_back = 2) AS n_week_2,
    count(*) FILTER (WHERE weeks_back = 3) AS n_week_3,
    count(*) FILTER (WHERE weeks_back = 4) AS n_week_4
FROM windowed
WHERE weeks_back IS NOT NULL AND value IS NOT NULL
GROUP BY value
