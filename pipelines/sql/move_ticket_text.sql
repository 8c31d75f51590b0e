-- Only when the config keeps ticket text. Grain of ticket_text: one row per (source, ticket_id),
-- the text of the kept version.
DELETE FROM ticket_text AS x
USING tickets AS t
WHERE t.load_run_id = $load_run_id AND x.source = t.source AND x.ticket_id = t.ticket_id;

INSERT INTO ticket_text
SELECT source, ticket_id, load_detail->>'subject', load_detail->>'description'
FROM tickets
WHERE load_run_id = $load_run_id
  AND ((load_detail->>'subject') IS NOT NULL OR (load_detail->>'description') IS NOT NULL);

-- The text leaves load_detail (a JSON merge patch with null removes a key); a row with neither a
-- note nor a line keeps no detail at all.
UPDATE tickets
SET load_detail = CASE WHEN CAST(load_detail->>'note_flags' AS UTINYINT) > 0 OR (load_detail->>'line_number') IS NOT NULL
                       THEN json_merge_patch(load_detail, '{"subject": null, "description": null}') END
WHERE load_run_id = $load_run_id AND load_detail IS NOT NULL;
