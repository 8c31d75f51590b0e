-- Grain: one row per ticket_id that may have more than one version. Without stored rows of the
-- source ($has_stored_rows false), only keys the file repeats; with them, every key of this
-- load, so that keep_newest_versions.sql meets the stored versions in the same scan.
-- n_in_load: this load's rows of the key (more than one: the file repeats it); ticket_number: see
-- schema.sql (the same on every row of the key). $numeric_ids_unique: numeric_ids_unique.sql found no
-- numeric id twice, so only the other ids are grouped (no id that is not a number equals one that is).
CREATE OR REPLACE TEMP TABLE ingest_contested AS
SELECT ticket_id, any_value(ticket_number) AS ticket_number, count(*) AS n_in_load
FROM tickets
WHERE load_run_id = $load_run_id AND NOT ($numeric_ids_unique AND ticket_number IS NOT NULL)
GROUP BY ticket_id
HAVING $has_stored_rows OR count(*) > 1;
