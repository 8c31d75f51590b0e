-- Grain: one row per ticket_id of the file being loaded: its newest version within the file
-- (latest updated_at, the later line on a tie). Older in-file versions count as stale.
CREATE OR REPLACE TEMP TABLE ingest_latest AS
WITH accepted AS (
    SELECT * FROM ingest_checked WHERE reject_reason IS NULL
),
ranked AS (
    SELECT *, row_number() OVER (PARTITION BY ticket_id ORDER BY updated_at DESC, line_number DESC) AS version_rank
    FROM accepted
)
SELECT * EXCLUDE (version_rank) FROM ranked WHERE version_rank = 1;

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
