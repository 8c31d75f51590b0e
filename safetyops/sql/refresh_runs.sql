-- Grain: one row per `safetyops refresh` run that got the writer lock (successful or failed).
-- Created by the refresh itself (safetyops/refresh_record.py) inside its writing connection.
CREATE SEQUENCE IF NOT EXISTS refresh_run_ids START 1;
CREATE TABLE IF NOT EXISTS refresh_runs (
    refresh_run_id       BIGINT      NOT NULL,
    started_at           TIMESTAMPTZ NOT NULL,
    finished_at          TIMESTAMPTZ NOT NULL,
    n_files              BIGINT      NOT NULL,   -- files found in the inbox
    n_files_loaded       BIGINT      NOT NULL,
    n_files_skipped      BIGINT      NOT NULL,   -- same sha256 loaded before
    n_files_failed       BIGINT      NOT NULL,   -- moved to the failed folder
    n_rows_read          BIGINT      NOT NULL,
    n_rows_loaded        BIGINT      NOT NULL,
    n_rows_rejected      BIGINT      NOT NULL,
    n_anomalies_new      BIGINT,                 -- NULL when detection did not run
    n_anomalies_updated  BIGINT,
    status               VARCHAR     NOT NULL,   -- ok | files_failed | failed
    error                VARCHAR
);
