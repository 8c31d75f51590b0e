-- Grain: one row per period x requested dimensions (always including abuse_category): the
-- category's inflow / inflow of all categories within the same period and other dimensions.
-- n = that inflow of all categories (what the share rests on); value NULL where it is 0.
WITH grid AS (
    SELECT calendar.period_start, combos.*
    FROM calendar CROSS JOIN combos
),
filled AS (
    SELECT grid.*, coalesce(cells.n_created, 0) AS n_created
    FROM grid LEFT JOIN cells USING (period_start @dims@)
),
shared AS (
    SELECT *, sum(n_created) OVER (PARTITION BY period_start, is_combo @other_dims@) AS n_all_categories
    FROM filled
)
SELECT period_start @dims@,
       CAST(n_created AS DOUBLE) / nullif(n_all_categories, 0) AS value,
       CAST(n_all_categories AS BIGINT) AS n
FROM shared
ORDER BY period_start @dims@
