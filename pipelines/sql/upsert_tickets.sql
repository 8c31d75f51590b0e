-- Delete-then-insert keyed on (source, ticket_id): far cheaper than MERGE on a large table, and
-- an older version never replaces a newer one (ties keep what is stored).
DELETE FROM tickets AS t
USING ingest_latest AS s
WHERE t.source = $source AND t.ticket_id = s.ticket_id AND s.updated_at > t.updated_at;

INSERT INTO tickets
SELECT
    $source AS source, s.ticket_id, s.created_at, s.updated_at, s.first_response_at, s.resolved_at,
    s.status, s.priority, s.channel, s.abuse_category, s.region, s.language, s.vendor, s.queue,
    s.agent_id, s.escalated, s.high_profile, s.reopen_count, s.qa_score, s.csat, s.reporter_hash,
    s.tags, $load_run_id AS load_run_id
FROM ingest_latest AS s
ANTI JOIN tickets AS t ON t.source = $source AND t.ticket_id = s.ticket_id;
