-- Grain: one row per ticket key (source, ticket_id) that the loads $load_run_ids may have changed.
-- A ticket file load stamps its rows with its load_run_id; a Salesforce milestone load instead
-- fills first_response_at of existing cases (pipelines/sql/apply_first_responses.sql) and leaves
-- their load_run_id alone, so its cases are taken from case_milestones.
CREATE OR REPLACE TEMP TABLE mart_changed_keys AS
WITH loaded_tickets AS (
    SELECT source, ticket_id
    FROM tickets
    WHERE list_contains($load_run_ids, load_run_id)
),
milestone_cases AS (
    SELECT 'salesforce' AS source, case_id AS ticket_id
    FROM case_milestones
    WHERE source = 'salesforce' AND list_contains($load_run_ids, load_run_id)
)
SELECT source, ticket_id FROM loaded_tickets
UNION
SELECT source, ticket_id FROM milestone_cases
