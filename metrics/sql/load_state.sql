-- Grain: one row for the whole warehouse: how many loads ran and the latest load id. Every
-- ingest adds a load run, so together with as_of and the ticket count this tells whether the
-- marts were built from the warehouse as it is now.
SELECT count(*) AS n_load_runs, coalesce(max(load_run_id), 0) AS last_load_run_id
FROM load_runs
