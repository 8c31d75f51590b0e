-- Grain: one row per input file whose load finished in [$start_at, $end_at) (skipped re-loads included).
SELECT file_name, source, status, rows_read, rows_loaded, rows_rejected, finished_at
FROM load_runs
WHERE finished_at >= $start_at AND finished_at < $end_at
ORDER BY finished_at, load_run_id, file_name
