-- Grain: one row per source: its tickets, newest ticket times, its loads, how long ago the last load
-- was and how old its newest ticket is (data time: a daily load of an export that stopped moving
-- is not fresh).
WITH tickets_by_source AS (
    SELECT source, count(*) AS n_tickets, max(created_at) AS latest_created_at, max(updated_at) AS latest_update_at
    FROM tickets GROUP BY source
),
loads_by_source AS (
    SELECT source, max(finished_at) AS last_load_at, arg_max(file_name, finished_at) AS last_file,
           count(*) AS n_loads,
           CAST(sum(rows_read) AS BIGINT) AS rows_read,
           CAST(sum(rows_loaded) AS BIGINT) AS rows_loaded,
           CAST(sum(rows_rejected) AS BIGINT) AS rows_rejected
    FROM load_runs WHERE status = 'loaded' GROUP BY source
)
SELECT coalesce(t.source, l.source) AS source, coalesce(t.n_tickets, 0) AS n_tickets,
       t.latest_created_at, t.latest_update_at, l.last_load_at, l.last_file, coalesce(l.n_loads, 0) AS n_loads,
       coalesce(l.rows_read, 0) AS rows_read, coalesce(l.rows_loaded, 0) AS rows_loaded,
       coalesce(l.rows_rejected, 0) AS rows_rejected,
       date_diff('minute', l.last_load_at, $now) / 60.0 AS hours_since_load,
       greatest(t.latest_created_at, t.latest_update_at) AS newest_ticket_at,
       date_diff('minute', greatest(t.latest_created_at, t.latest_update_at), $now) / 60.0 AS hours_since_newest_ticket
FROM tickets_by_source AS t FULL OUTER JOIN loads_by_source AS l ON l.source = t.source
ORDER BY source
