-- Grain: one row per period x requested dimensions: an exact continuous percentile
-- (quantile_cont, linear interpolation) straight from tickets, because percentiles of cells
-- cannot be merged. frt = first_response_at - created_at in minutes over tickets created in the
-- period that have a first response; ttr = resolved_at - created_at in hours over those resolved.
-- Dense over the combinations with tickets created in the window (always one without dimensions); value NULL and n = 0 where
-- the period has none.
WITH scoped_tickets AS (
    SELECT
        CASE WHEN $is_window THEN $first_period
             ELSE date_trunc($trunc_part, timezone($tz, created_at)) END AS period_start
        @dims@,
        CASE WHEN $measure = 'frt'
             THEN (epoch_us(first_response_at) - epoch_us(created_at)) / 60e6
             ELSE (epoch_us(resolved_at) - epoch_us(created_at)) / 3600e6
        END AS measure_value
    FROM tickets
    WHERE created_at >= $start_at AND created_at < $end_at
      @filters@
),
combos AS (
    SELECT DISTINCT 1 AS is_combo @dims@ FROM scoped_tickets
    UNION BY NAME
    SELECT 1 AS is_combo WHERE $no_dims
),
cells AS (
    SELECT period_start @dims@,
           quantile_cont(measure_value, $quantile) AS value,
           count(measure_value) AS n
    FROM scoped_tickets
    GROUP BY period_start @dims@
),
grid AS (
    SELECT calendar.period_start, combos.*
    FROM calendar CROSS JOIN combos
)
SELECT period_start @dims@, cells.value, coalesce(cells.n, 0) AS n
FROM grid LEFT JOIN cells USING (period_start @dims@)
ORDER BY period_start @dims@
