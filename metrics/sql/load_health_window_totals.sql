-- Grain: one row per load status (loaded | skipped), over files whose load finished in [$start_at, $end_at).
SELECT status, count(*) AS n_files, coalesce(sum(rows_read), 0) AS n_rows_read,
       coalesce(sum(rows_loaded), 0) AS n_rows_loaded, coalesce(sum(rows_rejected), 0) AS n_rows_rejected
FROM load_runs
WHERE finished_at >= $start_at AND finished_at < $end_at
GROUP BY status
ORDER BY status
