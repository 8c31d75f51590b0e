-- Grain: one row per reporting period in the window (period_start: local, tz-naive start of the period).
-- Dense on purpose: periods without tickets must still appear. On a spring-forward day the local
-- hour that does not exist is dropped (hour grain only); the repeated autumn hour is one period.
WITH period_series AS (
    SELECT unnest(generate_series($first_period, $last_period, CAST($step AS INTERVAL))) AS period_start
)
SELECT period_start
FROM period_series
WHERE $trunc_part <> 'hour'
   OR timezone($tz, timezone($tz, period_start)) = period_start
