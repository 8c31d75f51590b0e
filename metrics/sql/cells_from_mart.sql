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
    -- days before the window carry state (backlog, age bands) only: blank their flows
    SELECT
        * REPLACE (
            CASE WHEN day < $first_period THEN NULL ELSE n_created END AS n_created,
            CASE WHEN day < $first_period THEN NULL ELSE n_solved END AS n_solved,
            CASE WHEN day < $first_period THEN NULL ELSE n_escalated END AS n_escalated,
            CASE WHEN day < $first_period THEN NULL ELSE n_reopened END AS n_reopened,
            CASE WHEN day < $first_period THEN NULL ELSE n_sla_decided END AS n_sla_decided,
            CASE WHEN day < $first_period THEN NULL ELSE n_sla_met END AS n_sla_met,
            CASE WHEN day < $first_period THEN NULL ELSE sum_qa END AS sum_qa,
            CASE WHEN day < $first_period THEN NULL ELSE n_qa END AS n_qa,
            CASE WHEN day < $first_period THEN NULL ELSE sum_csat END AS sum_csat,
            CASE WHEN day < $first_period THEN NULL ELSE n_csat END AS n_csat
        ),
        -- whole windows: one period, or two (a window and the one before it, split at last_period)
        CASE WHEN day < $first_period THEN $first_period
             WHEN $is_window THEN (CASE WHEN day >= $last_period THEN $last_period ELSE $first_period END)
             ELSE date_trunc($trunc_part, day) END AS period_start
    FROM scoped_days
)
SELECT
    period_start
    @dims@,
    coalesce(sum(n_created), 0) AS n_created,
    coalesce(sum(n_solved), 0) AS n_solved,
    coalesce(sum(n_escalated), 0) AS n_escalated,
    coalesce(sum(n_reopened), 0) AS n_reopened,
    coalesce(sum(n_sla_decided), 0) AS n_sla_decided,
    coalesce(sum(n_sla_met), 0) AS n_sla_met,
    coalesce(sum(sum_qa), 0) AS sum_qa,
    coalesce(sum(n_qa), 0) AS n_qa,
    coalesce(sum(sum_csat), 0) AS sum_csat,
    coalesce(sum(n_csat), 0) AS n_csat,
    coalesce(sum(d_backlog), 0) AS d_backlog,
    coalesce(sum(d_aged_1d), 0) AS d_aged_1d,
    coalesce(sum(d_aged_3d), 0) AS d_aged_3d,
    coalesce(sum(d_aged_7d), 0) AS d_aged_7d
FROM placed_days
GROUP BY period_start @dims@
