-- Adds: one row per ticket_id of this load that the warehouse held before it. Run only when the
-- source has stored rows: the hash table is built on this load's keys and probed with the
-- stored ones, so a small file into a big warehouse scans the warehouse once.
INSERT INTO ingest_contested
SELECT DISTINCT t.ticket_id
FROM tickets AS t
WHERE t.source = $source
  AND t.load_run_id < $load_run_id
  AND t.ticket_id IN (SELECT ticket_id FROM tickets WHERE load_run_id = $load_run_id);
