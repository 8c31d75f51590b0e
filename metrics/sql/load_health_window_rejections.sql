-- Grain: one row per rejection reason, over files whose load finished in [$start_at, $end_at).
WITH window_runs AS (
    SELECT load_run_id FROM load_runs WHERE finished_at >= $start_at AND finished_at < $end_at
)
SELECT r.reason, count(*) AS n_rows, count(DISTINCT r.load_run_id) AS n_files
FROM rejected_rows AS r
JOIN window_runs AS w USING (load_run_id)
GROUP BY r.reason
ORDER BY n_rows DESC, r.reason
