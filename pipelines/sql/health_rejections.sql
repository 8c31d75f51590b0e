-- Grain: one row per file × rejection reason, most frequent first; an example line for each.
SELECT file_name, reason, column_name, count(*) AS n_rows, min(line_number) AS first_line,
       arg_min(bad_value, line_number) AS example_value
FROM rejected_rows
WHERE $load_run_id IS NULL OR load_run_id = $load_run_id
GROUP BY ALL
ORDER BY n_rows DESC, file_name, reason
