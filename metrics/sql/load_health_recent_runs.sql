-- Grain: one row per load run, newest first.
SELECT load_run_id, file_name, source, status, rows_read, rows_loaded, rows_inserted, rows_updated,
       rows_stale, rows_rejected, started_at, finished_at, timezone, sha256
FROM load_runs
ORDER BY started_at DESC, load_run_id DESC
LIMIT $limit
