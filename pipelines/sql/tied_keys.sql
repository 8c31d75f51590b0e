-- Grain: one row per ticket_id that this file holds more than once with the same updated_at.
-- Only there does the order of the lines decide which version wins (the later line), and the
-- load's first pass ran unordered: these keys' rows are read again with their lines.
CREATE OR REPLACE TEMP TABLE ingest_tied AS
SELECT DISTINCT t.ticket_id
FROM tickets AS t
SEMI JOIN ingest_contested AS c ON c.ticket_id = t.ticket_id AND c.n_in_load > 1
WHERE t.load_run_id = $load_run_id
GROUP BY t.ticket_id, t.updated_at
HAVING count(*) > 1;
