-- Newest version wins, by (source, ticket_id): among the rows this load inserted and the row
-- stored before it, keep the latest updated_at; on a tie the stored row stays, and within the
-- file the later line wins (rows that tie within the file carry their line in load_detail; the
-- rowid breaks what is left, identical versions).
-- Delete-then-keep on the contested keys only is far cheaper than MERGE on a keyed table.

-- Grain: one row per version of a contested ticket, newest first.
CREATE OR REPLACE TEMP TABLE ingest_versions AS
SELECT
    t.rowid AS row_id,
    t.load_run_id = $load_run_id AS is_from_this_load,
    row_number() OVER (PARTITION BY t.ticket_id
                       ORDER BY t.updated_at DESC, t.load_run_id = $load_run_id,
                                CAST(t.load_detail->>'line_number' AS BIGINT) DESC NULLS LAST, t.rowid DESC) AS version_rank
FROM tickets AS t
SEMI JOIN ingest_contested AS c ON c.ticket_id = t.ticket_id
WHERE t.source = $source;

DELETE FROM tickets WHERE rowid IN (SELECT row_id FROM ingest_versions WHERE version_rank > 1);
