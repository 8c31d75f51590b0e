-- Grain: one row per note × column × raw value for the rows of this load that were kept (the
-- rejected ones have left tickets already). The bits are NOTE_FLAGS in pipelines/reject_reasons.py.
INSERT INTO load_notes
WITH noted AS (
    SELECT CAST(load_detail->>'note_flags' AS UTINYINT) AS note_flags,
           load_detail->>'category_raw' AS category_raw, load_detail->>'channel_raw' AS channel_raw
    FROM tickets
    WHERE load_run_id = $load_run_id AND CAST(load_detail->>'note_flags' AS UTINYINT) > 0
),
notes AS (
    SELECT 'abuse category not in taxonomy, counted as other' AS note, 'abuse_category' AS column_name,
           coalesce(category_raw, '(blank)') AS raw_value, count(*) AS n_rows
    FROM noted WHERE note_flags & 1 <> 0 GROUP BY ALL
    UNION ALL
    SELECT 'channel not mapped, counted as other', 'channel', channel_raw, count(*)
    FROM noted WHERE note_flags & 2 <> 0 GROUP BY ALL
    UNION ALL
    SELECT 'blank priority, default used', 'priority', NULL, count(*)
    FROM noted WHERE note_flags & 4 <> 0 GROUP BY ALL
    UNION ALL
    SELECT 'placeholder date before 1970 read as missing', NULL, NULL, count(*)
    FROM noted WHERE note_flags & 8 <> 0 GROUP BY ALL
    UNION ALL
    SELECT 'resolution date ignored: ticket is open again', 'resolved_at', NULL, count(*)
    FROM noted WHERE note_flags & 16 <> 0 GROUP BY ALL
    UNION ALL
    SELECT 'solved or closed without a resolution date: resolved at its latest known time', 'resolved_at', NULL, count(*)
    FROM noted WHERE note_flags & 32 <> 0 GROUP BY ALL
)
SELECT $load_run_id, note, column_name, raw_value, n_rows FROM notes WHERE n_rows > 0;
