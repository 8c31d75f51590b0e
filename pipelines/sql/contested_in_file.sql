-- Grain: one row per ticket_id that this load holds more than once (versions within the file).
CREATE OR REPLACE TEMP TABLE ingest_contested AS
SELECT ticket_id
FROM tickets
WHERE load_run_id = $load_run_id
GROUP BY ticket_id
HAVING count(*) > 1;
