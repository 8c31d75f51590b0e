-- Grain: one row per rejected input row, newest load first (a bounded sample to look at).
SELECT load_run_id, file_name, line_number, reason, column_name, bad_value
FROM rejected_rows
ORDER BY load_run_id DESC, line_number
LIMIT $limit
