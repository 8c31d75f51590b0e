-- Newest version wins, by (source, ticket_id): among the rows this load inserted and the row
-- stored before it, keep the latest updated_at; on a tie the stored row stays, and within the
-- file the later line wins (rows that tie within the file carry their line in load_detail; the
-- rowid breaks what is left, identical versions).
-- Delete-then-keep on the contested keys only is far cheaper than MERGE on a keyed table.

-- Grain: one row per version of a contested ticket, newest first.
CREATE OR REPLACE TEMP TABLE ingest_versions AS
WITH stored_by_number AS (
    -- A numeric id's stored version carries the same ticket_number (schema.sql): the join hashes
    -- the stored rows' integers and never reads their ids.
    SELECT t.rowid AS row_id, c.ticket_id, t.updated_at
    FROM tickets AS t
    JOIN ingest_contested AS c ON c.ticket_number = t.ticket_number
    WHERE t.source = $source AND t.load_run_id <> $load_run_id AND t.ticket_number IS NOT NULL
),
stored_by_id AS (
    -- Every other stored row: ids that are not numbers, and rows stored without a ticket_number.
    SELECT t.rowid AS row_id, t.ticket_id, t.updated_at
    FROM tickets AS t
    SEMI JOIN ingest_contested AS c ON c.ticket_id = t.ticket_id
    WHERE t.source = $source AND t.load_run_id <> $load_run_id AND t.ticket_number IS NULL
),
stored_versions AS (
    -- At most one per key, so its line never decides: load_detail is not read for the stored rows.
    SELECT row_id, ticket_id, updated_at, false AS is_from_this_load, CAST(NULL AS BIGINT) AS line_number
    FROM (SELECT * FROM stored_by_number UNION ALL SELECT * FROM stored_by_id)
),
loaded_versions AS (
    SELECT t.rowid AS row_id, t.ticket_id, t.updated_at,
           true AS is_from_this_load, CAST(t.load_detail->>'line_number' AS BIGINT) AS line_number
    FROM tickets AS t
    SEMI JOIN ingest_contested AS c ON c.ticket_id = t.ticket_id
    WHERE t.load_run_id = $load_run_id
),
all_versions AS (
    SELECT * FROM stored_versions
    UNION ALL
    SELECT * FROM loaded_versions
)
SELECT
    row_id,
    is_from_this_load,
    row_number() OVER (PARTITION BY ticket_id
                       ORDER BY updated_at DESC, is_from_this_load, line_number DESC NULLS LAST,
                                row_id DESC) AS version_rank
FROM all_versions;

DELETE FROM tickets WHERE rowid IN (SELECT row_id FROM ingest_versions WHERE version_rank > 1);
