-- Grain: one row per rejection reason × column, most frequent first, with where to see an example.
WITH rejected AS (
    SELECT reason, coalesce(column_name, '') AS column_name, load_run_id, file_name, line_number, bad_value
    FROM rejected_rows
    WHERE $load_run_id IS NULL OR load_run_id = $load_run_id
)
SELECT reason, column_name, count(*) AS n_rows, count(DISTINCT load_run_id) AS n_loads,
       arg_min(file_name, (load_run_id, line_number)) AS example_file,
       arg_min(line_number, (load_run_id, line_number)) AS example_line,
       arg_min(bad_value, (load_run_id, line_number)) AS example_value
FROM rejected
GROUP BY reason, column_name
ORDER BY n_rows DESC, reason, column_name
