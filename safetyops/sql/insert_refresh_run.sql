-- Grain: one row per refresh run; appends the run's outcome to refresh_runs.
INSERT INTO refresh_runs
SELECT nextval('refresh_run_ids'), $started_at, $finished_at, $n_files, $n_files_loaded,
       $n_files_skipped, $n_files_failed, $n_rows_read, $n_rows_loaded, $n_rows_rejected,
       $n_anomalies_new, $n_anomalies_updated, $status, $error;
