-- Grain: one row per rejection reason x column.
WITH rejected AS (
    SELECT reason, coalesce(column_name, '') AS column_name, load_run_id
    FROM rejected_rows
),
by_reason AS (
    SELECT reason, column_name, count(*) AS n_rows, count(DISTINCT load_run_id) AS n_loads
    FROM rejected
    GROUP BY reason, column_name
)
SELECT *
FROM by_reason
ORDER BY n_rows DESC, reason, column_name
