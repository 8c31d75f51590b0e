-- Grain: one row per note of the latest load of each source (loaded, not skipped): the fields the
-- export did not have ("first response: not in this export, ...") and the values it kept with a
-- note (a channel not mapped, a solved ticket without a date), with the rows they concern.
WITH latest AS (
    SELECT source, max(load_run_id) AS load_run_id
    FROM load_runs
    WHERE status = 'loaded'
    GROUP BY source
)
SELECT l.source, r.file_name, n.note, n.column_name, sum(n.n_rows) AS n_rows,
       n.note LIKE '%not in this export%' AS is_missing_field
FROM load_notes AS n
JOIN latest AS l USING (load_run_id)
JOIN load_runs AS r USING (load_run_id)
GROUP BY l.source, r.file_name, n.note, n.column_name
ORDER BY l.source, is_missing_field DESC, n_rows DESC, n.note
