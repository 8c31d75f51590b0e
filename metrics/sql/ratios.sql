-- Grain: one row per period x requested dimensions: shares and means over tickets created in the
-- period. value is NULL (and n = 0) where nothing was there to divide by.
--   sla_frt_attainment = answered within target / decided   (n = decided)
--   escalation_rate    = escalated / created                (n = created)
--   reopen_rate        = reopen_count > 0 / created         (n = created)
--   qa_avg             = sum(qa_score) / tickets with one    (n = tickets with a qa_score)
--   csat_avg           = sum(csat) / tickets with one        (n = tickets with a csat)
WITH grid AS (
    SELECT calendar.period_start, combos.*
    FROM calendar CROSS JOIN combos
),
filled AS (
    SELECT grid.*, cells.* EXCLUDE (period_start @dims@)
    FROM grid LEFT JOIN cells USING (period_start @dims@)
),
fractions AS (
    SELECT *,
        CASE $metric
            WHEN 'sla_frt_attainment' THEN n_sla_met
            WHEN 'escalation_rate'    THEN n_escalated
            WHEN 'reopen_rate'        THEN n_reopened
            WHEN 'qa_avg'             THEN sum_qa
            WHEN 'csat_avg'           THEN sum_csat
        END AS numerator,
        coalesce(CASE $metric
            WHEN 'sla_frt_attainment' THEN n_sla_decided
            WHEN 'escalation_rate'    THEN n_created
            WHEN 'reopen_rate'        THEN n_created
            WHEN 'qa_avg'             THEN n_qa
            WHEN 'csat_avg'           THEN n_csat
        END, 0) AS denominator
    FROM filled
)
SELECT period_start @dims@,
       CAST(numerator AS DOUBLE) / nullif(denominator, 0) AS value,
       CAST(denominator AS BIGINT) AS n
FROM fractions
ORDER BY period_start @dims@
