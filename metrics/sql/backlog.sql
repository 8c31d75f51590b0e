-- Grain: one row per period x requested dimensions: tickets open at the period's end
-- (created_at < end and (resolved_at IS NULL or resolved_at >= end)) and their age bands at that
-- end: < 24h, 24h-72h, 72h-168h, >= 168h. Running sums of the cells' deltas, never a join of
-- tickets against periods.
WITH grid AS (
    SELECT calendar.period_start, combos.*
    FROM calendar CROSS JOIN combos
),
filled AS (
    SELECT grid.*,
           coalesce(cells.d_backlog, 0) AS d_backlog,
           coalesce(cells.d_aged_1d, 0) AS d_aged_1d,
           coalesce(cells.d_aged_3d, 0) AS d_aged_3d,
           coalesce(cells.d_aged_7d, 0) AS d_aged_7d
    FROM grid LEFT JOIN cells USING (period_start @dims@)
),
running AS (
    SELECT
        *,
        sum(d_backlog) OVER to_period_end AS n_open,
        sum(d_aged_1d) OVER to_period_end AS n_aged_1d,
        sum(d_aged_3d) OVER to_period_end AS n_aged_3d,
        sum(d_aged_7d) OVER to_period_end AS n_aged_7d
    FROM filled
    WINDOW to_period_end AS (PARTITION BY is_combo @dims@ ORDER BY period_start
                             ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
),
banded AS (
    SELECT *,
        CASE $metric
            WHEN 'backlog_age_lt_1d' THEN n_open - n_aged_1d
            WHEN 'backlog_age_1_3d'  THEN n_aged_1d - n_aged_3d
            WHEN 'backlog_age_3_7d'  THEN n_aged_3d - n_aged_7d
            WHEN 'backlog_age_gt_7d' THEN n_aged_7d
            ELSE n_open
        END AS n_tickets
    FROM running
)
SELECT period_start @dims@, CAST(n_tickets AS DOUBLE) AS value, CAST(n_tickets AS BIGINT) AS n
FROM banded
ORDER BY period_start @dims@
