-- Grain: one row for the whole warehouse: as_of (latest timestamp of any kind on any ticket),
-- data_start (earliest created_at), the ticket count, and the load state (how many loads ran and
-- the latest load id: every ingest adds one, so the marts can tell they are stale).
WITH ticket_extent AS (
    SELECT
        greatest(max(created_at), max(updated_at), max(first_response_at), max(resolved_at)) AS as_of,
        min(created_at) AS data_start,
        count(*) AS n_tickets
    FROM tickets
),
load_state AS (
    SELECT count(*) || ':' || coalesce(max(load_run_id), 0) AS load_state
    FROM load_runs
)
SELECT as_of, data_start, n_tickets, load_state
FROM ticket_extent CROSS JOIN load_state
