-- Grain: one row per period x requested dimensions (dense: every period x every live combination).
-- inflow = tickets created in the period; solved = tickets resolved in the period.
WITH grid AS (
    SELECT calendar.period_start, combos.*
    FROM calendar CROSS JOIN combos
),
filled AS (
    SELECT grid.*, coalesce(cells.n_created, 0) AS n_created, coalesce(cells.n_solved, 0) AS n_solved
    FROM grid LEFT JOIN cells USING (period_start @dims@)
),
counted AS (
    SELECT *, CASE $metric WHEN 'solved' THEN n_solved ELSE n_created END AS n_tickets
    FROM filled
)
SELECT period_start @dims@, CAST(n_tickets AS DOUBLE) AS value, CAST(n_tickets AS BIGINT) AS n
FROM counted
ORDER BY period_start @dims@
