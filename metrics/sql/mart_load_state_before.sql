-- Grain: one row: the load state (as in metrics/sql/as_of.sql) leaving out the loads
-- $load_run_ids: what mart_meta must hold if the marts were current just before those loads.
SELECT count(*) || ':' || coalesce(max(load_run_id), 0) AS load_state
FROM load_runs
WHERE NOT list_contains($load_run_ids, load_run_id)
