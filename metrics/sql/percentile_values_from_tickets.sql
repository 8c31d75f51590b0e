-- Grain: one row per ticket created in the window: its period, the requested dimensions and the
-- measure (frt: first_response_at - created_at in minutes; ttr: resolved_at - created_at in hours;
-- NULL where the ticket has no first response / resolution).
SELECT
    -- whole windows: one period, or two (a window and the one before it, split at last_at)
    CASE WHEN $is_window THEN (CASE WHEN created_at >= $last_at THEN $last_period ELSE $first_period END)
         ELSE date_trunc($trunc_part, timezone($tz, created_at)) END AS period_start
    @dims@,
    CASE WHEN $measure = 'frt' THEN frt_minutes ELSE ttr_hours END AS measure_value
FROM (
    SELECT *,
           (epoch_us(first_response_at) - epoch_us(created_at)) / 60e6 AS frt_minutes,
           (epoch_us(resolved_at) - epoch_us(created_at)) / 3600e6 AS ttr_hours
    FROM tickets
    WHERE created_at >= $start_at AND created_at < $end_at
      @filters@
) AS windowed_tickets
