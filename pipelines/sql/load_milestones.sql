-- Grain: one row per CaseMilestone record of the file, with the first rule it breaks (if any).
CREATE OR REPLACE TEMP TABLE milestone_checked AS
WITH parsed AS (
    SELECT *,
        TRY_CAST(completed_at AS TIMESTAMPTZ) AS completed_parsed_at,
        TRY_CAST(target_at AS TIMESTAMPTZ) AS target_parsed_at,
        CASE lower(is_violated) WHEN 'true' THEN true WHEN 'false' THEN false END AS is_violated_parsed
    FROM milestone_raw
)
SELECT *,
    CASE
        WHEN case_id IS NULL THEN 'missing CaseId'
        WHEN milestone_name IS NULL THEN 'missing MilestoneType.Name'
        WHEN completed_at IS NOT NULL AND completed_parsed_at IS NULL THEN 'unparseable CompletionDate'
        WHEN target_at IS NOT NULL AND target_parsed_at IS NULL THEN 'unparseable TargetDate'
    END AS reject_reason
FROM parsed;

INSERT INTO rejected_rows
SELECT $load_run_id, $file_name, line_number, reject_reason,
       CASE WHEN reject_reason LIKE '%CompletionDate' THEN 'CompletionDate'
            WHEN reject_reason LIKE '%TargetDate' THEN 'TargetDate' END,
       CASE WHEN reject_reason LIKE '%CompletionDate' THEN completed_at
            WHEN reject_reason LIKE '%TargetDate' THEN target_at END,
       CAST(json_object('CaseId', case_id, 'MilestoneType.Name', milestone_name,
                        'CompletionDate', completed_at, 'TargetDate', target_at) AS VARCHAR)
FROM milestone_checked WHERE reject_reason IS NOT NULL;

DELETE FROM case_milestones AS m
USING (SELECT DISTINCT case_id, milestone_name FROM milestone_checked WHERE reject_reason IS NULL) AS s
WHERE m.source = 'salesforce' AND m.case_id = s.case_id AND m.milestone_name = s.milestone_name;

INSERT INTO case_milestones
SELECT 'salesforce', case_id, milestone_name, completed_parsed_at, target_parsed_at, is_violated_parsed, $load_run_id
FROM milestone_checked WHERE reject_reason IS NULL;
