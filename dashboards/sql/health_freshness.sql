-- Grain: one row per source: its latest load and how much it has delivered.
WITH loaded AS (
    SELECT source, file_name, finished_at, rows_loaded, rows_rejected, status
    FROM load_runs
),
latest AS (
    SELECT source, arg_max(file_name, finished_at) AS last_file, max(finished_at) AS last_load_at,
           count(*) AS n_loads, sum(rows_loaded) AS rows_loaded, sum(rows_rejected) AS rows_rejected
    FROM loaded
    GROUP BY source
)
SELECT source, last_load_at, last_file, n_loads, rows_loaded, rows_rejected,
       date_diff('minute', last_load_at, $now) / 60.0 AS hours_since_load
FROM latest
ORDER BY source
