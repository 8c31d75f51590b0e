-- Fill Salesforce cases' first_response_at from their "First Response" milestone. A completion
-- before the case was created is ignored (the case keeps what it had).
UPDATE tickets AS t
SET first_response_at = m.first_response_at
FROM (
    SELECT case_id, min(completed_at) AS first_response_at
    FROM case_milestones
    WHERE source = 'salesforce' AND lower(milestone_name) = 'first response' AND completed_at IS NOT NULL
    GROUP BY case_id
) AS m
WHERE t.source = 'salesforce' AND t.ticket_id = m.case_id
  AND m.first_response_at >= t.created_at
  AND t.first_response_at IS DISTINCT FROM m.first_response_at;
