-- Grain: one row per note × column × raw value for the rows of this load that were kept.
INSERT INTO load_notes
WITH kept AS (
    SELECT * FROM ingest_checked WHERE reject_reason IS NULL
),
notes AS (
    SELECT 'abuse category not in taxonomy, counted as other' AS note, 'abuse_category' AS column_name,
           coalesce(note_category_raw, '(blank)') AS raw_value, count(*) AS n_rows
    FROM kept WHERE is_category_unmapped GROUP BY ALL
    UNION ALL
    SELECT 'channel not mapped, counted as other', 'channel', note_channel_raw, count(*)
    FROM kept WHERE is_channel_unmapped GROUP BY ALL
    UNION ALL
    SELECT 'blank priority, default used', 'priority', NULL, count(*)
    FROM kept WHERE is_priority_defaulted GROUP BY ALL
    UNION ALL
    SELECT 'placeholder date before 1970 read as missing', NULL, NULL, count(*)
    FROM kept WHERE is_placeholder_date GROUP BY ALL
    UNION ALL
    SELECT 'resolution date ignored: ticket is open again', 'resolved_at', NULL, count(*)
    FROM kept WHERE is_reopened_resolution_dropped GROUP BY ALL
    UNION ALL
    SELECT 'solved without a solved date: updated_at used', 'resolved_at', NULL, count(*)
    FROM kept WHERE is_solved_without_date GROUP BY ALL
)
SELECT $load_run_id, note, column_name, raw_value, n_rows FROM notes WHERE n_rows > 0;
