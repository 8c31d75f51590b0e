-- Grain: one row per ticket created in the window, read from mart_ticket_facts (local creation day
-- and response times already computed): the same rows and values as
-- percentile_values_from_tickets.sql, for day, week, month and whole-window periods.
SELECT
    -- whole windows: one period, or two (a window and the one before it, split at last_period)
    CASE WHEN $is_window THEN (CASE WHEN created_day >= $last_period THEN $last_period ELSE $first_period END)
         ELSE date_trunc($trunc_part, created_day) END AS period_start
    @dims@,
    CASE WHEN $measure = 'frt' THEN frt_minutes ELSE ttr_hours END AS measure_value
FROM mart_ticket_facts
WHERE created_day >= $first_period AND created_day < $end_local
  @filters@
