-- Grain: one row per source: how many tickets, the newest ticket change, the last file loaded.
WITH tickets_by_source AS (
    SELECT source, count(*) AS n_tickets, max(updated_at) AS latest_update_at, max(created_at) AS latest_created_at
    FROM tickets GROUP BY source
),
last_load AS (
    SELECT source, max(finished_at) AS last_loaded_at, count(*) AS n_files,
           CAST(sum(rows_rejected) AS BIGINT) AS n_rows_rejected, CAST(sum(rows_read) AS BIGINT) AS n_rows_read
    FROM load_runs WHERE status = 'loaded' GROUP BY source
)
SELECT coalesce(t.source, l.source) AS source, coalesce(t.n_tickets, 0) AS n_tickets,
       t.latest_created_at, t.latest_update_at, l.last_loaded_at, coalesce(l.n_files, 0) AS n_files,
       coalesce(l.n_rows_read, 0) AS n_rows_read, coalesce(l.n_rows_rejected, 0) AS n_rows_rejected
FROM tickets_by_source AS t FULL OUTER JOIN last_load AS l ON l.source = t.source
ORDER BY source
