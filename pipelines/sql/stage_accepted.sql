-- Grain: one row per line of the file that lost to a newer version of the same ticket in the
-- same file (latest updated_at wins, the later line on a tie). Only duplicated keys are ranked,
-- so a file of unique tickets costs one narrow aggregate, not a window over every column.
CREATE OR REPLACE TEMP TABLE ingest_superseded AS
WITH accepted AS (
    SELECT line_number, ticket_id, updated_at FROM ingest_checked WHERE reject_reason IS NULL
),
duplicated_keys AS (
    SELECT ticket_id FROM accepted GROUP BY ticket_id HAVING count(*) > 1
),
ranked AS (
    SELECT a.line_number,
           row_number() OVER (PARTITION BY a.ticket_id ORDER BY a.updated_at DESC, a.line_number DESC) AS version_rank
    FROM accepted AS a SEMI JOIN duplicated_keys AS d ON d.ticket_id = a.ticket_id
)
SELECT line_number FROM ranked WHERE version_rank > 1;

-- Grain: one row per ticket_id of the file: its newest version within the file.
CREATE OR REPLACE TEMP VIEW ingest_latest AS
SELECT c.*
FROM ingest_checked AS c
ANTI JOIN ingest_superseded AS s ON s.line_number = c.line_number
WHERE c.reject_reason IS NULL;

-- Grain: one row; how the file's tickets compare with the warehouse before the upsert.
CREATE OR REPLACE TEMP TABLE ingest_counts AS
WITH compared AS (
    SELECT s.updated_at AS new_updated_at, t.updated_at AS old_updated_at
    FROM ingest_latest AS s
    LEFT JOIN tickets AS t ON t.source = $source AND t.ticket_id = s.ticket_id
)
SELECT
    count(*) FILTER (WHERE old_updated_at IS NULL)            AS n_inserted,
    count(*) FILTER (WHERE new_updated_at > old_updated_at)   AS n_updated,
    count(*) FILTER (WHERE new_updated_at <= old_updated_at)  AS n_stale_in_warehouse
FROM compared;
