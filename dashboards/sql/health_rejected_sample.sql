-- Grain: one row per rejected input row, newest load first (a bounded sample for the page).
WITH rejected AS (
    SELECT r.load_run_id, r.file_name, r.line_number, r.reason, r.column_name, r.bad_value
    FROM rejected_rows AS r
)
SELECT *
FROM rejected
ORDER BY load_run_id DESC, line_number
LIMIT $limit
