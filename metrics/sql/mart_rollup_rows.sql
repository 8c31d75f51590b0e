-- Grain: one row per local day x the roll-up's dimensions (a fixed list per table, see
-- metrics/registry.py MART_ROLLUPS): mart_daily summed over the dimensions it drops, for the local
-- days in [$local_start, $local_end) (all time for a full build, one month for an update).
WITH rolled_up AS (
    SELECT
        day
        @dims@,
        sum(n_created) AS n_created,
        sum(n_solved) AS n_solved,
        sum(n_escalated) AS n_escalated,
        sum(n_reopened) AS n_reopened,
        sum(n_sla_decided) AS n_sla_decided,
        sum(n_sla_met) AS n_sla_met,
        sum(sum_qa) AS sum_qa,
        sum(n_qa) AS n_qa,
        sum(sum_csat) AS sum_csat,
        sum(n_csat) AS n_csat,
        sum(d_backlog) AS d_backlog,
        sum(d_aged_1d) AS d_aged_1d,
        sum(d_aged_3d) AS d_aged_3d,
        sum(d_aged_7d) AS d_aged_7d
    FROM mart_daily
    WHERE day >= $local_start AND day < $local_end
    GROUP BY day @dims@
)
SELECT * FROM rolled_up
ORDER BY day
