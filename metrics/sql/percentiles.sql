-- Grain: one row per period x requested dimensions: exact continuous percentiles (quantile_cont,
-- linear interpolation; one list entry per $quantiles, so p50 and p90 share one pass) over the
-- tickets created in the period that have the measure (scoped_tickets: percentile_values_from_tickets.sql or _from_facts.sql). Percentiles of
-- cells cannot be merged, so this never reads the additive marts. Dense over the combinations
-- with tickets created in the window (always one without dimensions); value NULL and n = 0 where
-- the period has none.
WITH cells AS (
    SELECT period_start @dims@,
           quantile_cont(measure_value, $quantiles) AS quantile_values,
           count(measure_value) AS n
    FROM scoped_tickets
    GROUP BY period_start @dims@
),
-- every group of created tickets is a cell (n may be 0), so the combinations come from the
-- cells rather than from a second pass over the tickets
combos AS (
    SELECT DISTINCT 1 AS is_combo @dims@ FROM cells
    UNION BY NAME
    SELECT 1 AS is_combo WHERE $no_dims
),
grid AS (
    SELECT calendar.period_start, combos.*
    FROM calendar CROSS JOIN combos
)
SELECT period_start @dims@, cells.quantile_values, coalesce(cells.n, 0) AS n
FROM grid LEFT JOIN cells USING (period_start @dims@)
ORDER BY period_start @dims@
