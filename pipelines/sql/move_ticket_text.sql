-- Only when the config keeps ticket text. Grain of ticket_text: one row per (source, ticket_id),
-- the text of the kept version.
DELETE FROM ticket_text AS x
USING tickets AS t
WHERE t.load_run_id = $load_run_id AND x.source = t.source AND x.ticket_id = t.ticket_id;

INSERT INTO ticket_text
SELECT source, ticket_id, load_detail.subject, load_detail.description
FROM tickets
WHERE load_run_id = $load_run_id
  AND (load_detail.subject IS NOT NULL OR load_detail.description IS NOT NULL);

UPDATE tickets
SET load_detail = CASE WHEN load_detail.note_flags > 0 OR load_detail.line_number IS NOT NULL THEN struct_pack(
        line_number := load_detail.line_number, reject_reason := CAST(NULL AS VARCHAR),
        reject_column := CAST(NULL AS VARCHAR), reject_value := CAST(NULL AS VARCHAR),
        raw_record := CAST(NULL AS VARCHAR), note_flags := load_detail.note_flags,
        category_raw := load_detail.category_raw, channel_raw := load_detail.channel_raw,
        subject := CAST(NULL AS VARCHAR), description := CAST(NULL AS VARCHAR)) END
WHERE load_run_id = $load_run_id AND load_detail IS NOT NULL;
