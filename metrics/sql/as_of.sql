-- Grain: one row for the whole warehouse: as_of (latest timestamp of any kind on any ticket)
-- and data_start (earliest created_at).
SELECT
    greatest(max(created_at), max(updated_at), max(first_response_at), max(resolved_at)) AS as_of,
    min(created_at) AS data_start,
    count(*) AS n_tickets
FROM tickets
