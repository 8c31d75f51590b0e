-- Grain: one row per reporting period x requested dimensions, with the additive components every
-- count, ratio and backlog metric is computed from. At day grain with all mart dimensions this is
-- also the body of mart_daily, so the mart and a direct query cannot disagree.
-- Backlog is a running sum of events (+1 at created_at, -1 at resolved_at), never a join of
-- tickets against periods: events before the window are folded into its first period (the
-- opening balance; with $fold_opening = false they are dropped instead, which is how the daily
-- mart is built one time slice at a time), events at or after the window's end are dropped. An
-- event belongs to the period with start <= local time < next start, so "event < period end"
-- is "event's period <= this period".
WITH scoped_tickets AS (
    -- a ticket resolved before the window adds +1 and -1 to every running sum: leave it out
    SELECT
        created_at,
        first_response_at,
        resolved_at,
        escalated,
        reopen_count,
        qa_score,
        csat,
        created_at + to_minutes(CAST(CASE priority
            WHEN 'urgent' THEN $sla_urgent_minutes
            WHEN 'high'   THEN $sla_high_minutes
            WHEN 'normal' THEN $sla_normal_minutes
            WHEN 'low'    THEN $sla_low_minutes
        END AS BIGINT)) AS sla_target_at,
        1 AS is_combo
        @dims@
    FROM tickets
    WHERE created_at < $end_at
      AND (resolved_at IS NULL OR resolved_at >= $start_at)
      @filters@
),
-- Events carry a small integer for their dimension values instead of the strings themselves:
-- grouping many events by one integer is about twice as fast as by seven strings.
dim_combos AS (
    SELECT row_number() OVER () AS combo_id, *
    FROM (SELECT DISTINCT is_combo @dims@ FROM scoped_tickets) AS distinct_combos
),
keyed_tickets AS (
    SELECT s.created_at, s.first_response_at, s.resolved_at, s.escalated, s.reopen_count,
           s.qa_score, s.csat, s.sla_target_at, c.combo_id
    FROM scoped_tickets AS s
    JOIN dim_combos AS c USING (is_combo @dims@)
),
created_events AS (
    SELECT
        created_at AS event_at,
        1 AS n_created,
        CAST(escalated AS INTEGER) AS n_escalated,
        CAST(reopen_count > 0 AS INTEGER) AS n_reopened,
        -- decided = answered, or unanswered with the target already passed at as_of (a breach)
        CAST(first_response_at IS NOT NULL OR sla_target_at < $as_of AS INTEGER) AS n_sla_decided,
        CAST(coalesce(first_response_at <= sla_target_at, false) AS INTEGER) AS n_sla_met,
        qa_score AS sum_qa,
        CAST(qa_score IS NOT NULL AS INTEGER) AS n_qa,
        csat AS sum_csat,
        CAST(csat IS NOT NULL AS INTEGER) AS n_csat,
        1 AS d_backlog,
        combo_id
    FROM keyed_tickets
),
resolved_events AS (
    -- leaving the backlog also leaves whichever age band the ticket had reached
    SELECT
        resolved_at AS event_at,
        1 AS n_solved,
        -1 AS d_backlog,
        -CAST(resolved_at >= created_at + INTERVAL 24 HOUR AS INTEGER) AS d_aged_1d,
        -CAST(resolved_at >= created_at + INTERVAL 72 HOUR AS INTEGER) AS d_aged_3d,
        -CAST(resolved_at >= created_at + INTERVAL 168 HOUR AS INTEGER) AS d_aged_7d,
        combo_id
    FROM keyed_tickets
    WHERE resolved_at IS NOT NULL
),
-- A ticket counts as aged >= A at period end E when created_at + A <= E. Timestamps are whole
-- microseconds, so shifting the event 1 microsecond earlier turns "<= E" into the "< E" rule
-- every other event follows.
aged_1d_events AS (
    SELECT created_at + INTERVAL 24 HOUR - INTERVAL 1 MICROSECOND AS event_at, 1 AS d_aged_1d, combo_id
    FROM keyed_tickets
    WHERE resolved_at IS NULL OR resolved_at >= created_at + INTERVAL 24 HOUR
),
aged_3d_events AS (
    SELECT created_at + INTERVAL 72 HOUR - INTERVAL 1 MICROSECOND AS event_at, 1 AS d_aged_3d, combo_id
    FROM keyed_tickets
    WHERE resolved_at IS NULL OR resolved_at >= created_at + INTERVAL 72 HOUR
),
aged_7d_events AS (
    SELECT created_at + INTERVAL 168 HOUR - INTERVAL 1 MICROSECOND AS event_at, 1 AS d_aged_7d, combo_id
    FROM keyed_tickets
    WHERE resolved_at IS NULL OR resolved_at >= created_at + INTERVAL 168 HOUR
),
all_events AS (
    SELECT * FROM created_events
    UNION ALL BY NAME SELECT * FROM resolved_events
    UNION ALL BY NAME SELECT * FROM aged_1d_events
    UNION ALL BY NAME SELECT * FROM aged_3d_events
    UNION ALL BY NAME SELECT * FROM aged_7d_events
),
placed_events AS (
    -- before the window only state (backlog, age bands) counts; flows there are blanked out here
    -- rather than with FILTER clauses in the aggregate, which are several times slower
    SELECT
        * REPLACE (
            CASE WHEN event_at < $start_at THEN NULL ELSE n_created END AS n_created,
            CASE WHEN event_at < $start_at THEN NULL ELSE n_solved END AS n_solved,
            CASE WHEN event_at < $start_at THEN NULL ELSE n_escalated END AS n_escalated,
            CASE WHEN event_at < $start_at THEN NULL ELSE n_reopened END AS n_reopened,
            CASE WHEN event_at < $start_at THEN NULL ELSE n_sla_decided END AS n_sla_decided,
            CASE WHEN event_at < $start_at THEN NULL ELSE n_sla_met END AS n_sla_met,
            CASE WHEN event_at < $start_at THEN NULL ELSE sum_qa END AS sum_qa,
            CASE WHEN event_at < $start_at THEN NULL ELSE n_qa END AS n_qa,
            CASE WHEN event_at < $start_at THEN NULL ELSE sum_csat END AS sum_csat,
            CASE WHEN event_at < $start_at THEN NULL ELSE n_csat END AS n_csat
        ),
        -- whole windows: one period, or two (a window and the one before it, split at last_at)
        CASE WHEN event_at < $start_at THEN $first_period
             WHEN $is_window THEN (CASE WHEN event_at >= $last_at THEN $last_period ELSE $first_period END)
             ELSE date_trunc($trunc_part, timezone($tz, event_at)) END AS period_start
    FROM all_events
    WHERE event_at < $end_at
      -- the daily mart is built in time slices: there, earlier events belong to earlier slices
      AND ($fold_opening OR event_at >= $start_at)
),
summed_cells AS (
    SELECT
        period_start,
        combo_id,
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
    FROM placed_events
    GROUP BY period_start, combo_id
)
SELECT summed_cells.* EXCLUDE (combo_id) @dims@
FROM summed_cells
JOIN dim_combos USING (combo_id)
