-- Grain: one row per reporting period x requested dimensions, summed from a daily mart (mart_daily
-- or a roll-up of it, named from a fixed list); the same
-- columns and meaning as cells_from_tickets.sql. Days before the window fold into its first period
-- as the opening balance (state columns only), exactly as the ticket-level query does.
WITH scoped_days AS (
    SELECT *
    FROM @mart@
    WHERE day < $end_local
      @filters@
),
placed_days AS (
    SELECT
        *,
        day < $first_period AS is_opening,
        CASE WHEN day < $first_period OR $is_window THEN $first_period
             ELSE date_trunc($trunc_part, day) END AS period_start
    FROM scoped_days
)
SELECT
    period_start
    @dims@,
    coalesce(sum(n_created) FILTER (WHERE NOT is_opening), 0) AS n_created,
    coalesce(sum(n_solved) FILTER (WHERE NOT is_opening), 0) AS n_solved,
    coalesce(sum(n_escalated) FILTER (WHERE NOT is_opening), 0) AS n_escalated,
    coalesce(sum(n_reopened) FILTER (WHERE NOT is_opening), 0) AS n_reopened,
    coalesce(sum(n_sla_decided) FILTER (WHERE NOT is_opening), 0) AS n_sla_decided,
    coalesce(sum(n_sla_met) FILTER (WHERE NOT is_opening), 0) AS n_sla_met,
    coalesce(sum(sum_qa) FILTER (WHERE NOT is_opening), 0) AS sum_qa,
    coalesce(sum(n_qa) FILTER (WHERE NOT is_opening), 0) AS n_qa,
    coalesce(sum(sum_csat) FILTER (WHERE NOT is_opening), 0) AS sum_csat,
    coalesce(sum(n_csat) FILTER (WHERE NOT is_opening), 0) AS n_csat,
    coalesce(sum(d_backlog), 0) AS d_backlog,
    coalesce(sum(d_aged_1d), 0) AS d_aged_1d,
    coalesce(sum(d_aged_3d), 0) AS d_aged_3d,
    coalesce(sum(d_aged_7d), 0) AS d_aged_7d
FROM placed_days
GROUP BY period_start @dims@
