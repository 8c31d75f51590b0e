-- Grain: one row per local month (reporting zone) whose mart rows an incremental update rebuilds,
-- with its bounds as local timestamps and as instants.
-- A ticket's events (mart_daily) lie on its created day, its resolved day and its age-band
-- crossings (at most 7 days after creation), so they fall in the months of created day,
-- created day + 8 days and resolved day: a month is longer than 8 days, so none in between is
-- skipped. Both versions of a changed ticket count: the new one from tickets, the previous one from
-- mart_ticket_facts (written by the previous build or update). n_sla_decided also depends on
-- as_of: an unanswered ticket whose target lies between the previous and the new as_of changes
-- its creation day's cell without being loaded again.
WITH new_versions AS (
    SELECT date_trunc('day', timezone($tz, t.created_at)) AS created_day,
           date_trunc('day', timezone($tz, t.resolved_at)) AS resolved_day
    FROM tickets AS t
    SEMI JOIN mart_changed_keys AS k ON t.source = k.source AND t.ticket_id = k.ticket_id
),
old_versions AS (
    SELECT f.created_day, f.resolved_day
    FROM mart_ticket_facts AS f
    SEMI JOIN mart_changed_keys AS k ON f.source = k.source AND f.ticket_id = k.ticket_id
),
sla_target_crossings AS (
    SELECT date_trunc('day', timezone($tz, created_at)) AS created_day
    FROM tickets
    WHERE first_response_at IS NULL
      -- no target is further than $max_sla_minutes after creation: lets the scan skip row groups
      AND created_at >= $as_of_low - to_minutes(CAST($max_sla_minutes AS BIGINT))
      AND created_at < $as_of_high
      AND created_at + to_minutes(CAST(CASE priority
            WHEN 'urgent' THEN $sla_urgent_minutes
            WHEN 'high'   THEN $sla_high_minutes
            WHEN 'normal' THEN $sla_normal_minutes
            WHEN 'low'    THEN $sla_low_minutes
          END AS BIGINT)) >= $as_of_low
      AND created_at + to_minutes(CAST(CASE priority
            WHEN 'urgent' THEN $sla_urgent_minutes
            WHEN 'high'   THEN $sla_high_minutes
            WHEN 'normal' THEN $sla_normal_minutes
            WHEN 'low'    THEN $sla_low_minutes
          END AS BIGINT)) < $as_of_high
),
event_days AS (
    SELECT created_day AS event_day FROM new_versions
    UNION ALL SELECT created_day + INTERVAL 8 DAY FROM new_versions
    UNION ALL SELECT resolved_day FROM new_versions
    UNION ALL SELECT created_day FROM old_versions
    UNION ALL SELECT created_day + INTERVAL 8 DAY FROM old_versions
    UNION ALL SELECT resolved_day FROM old_versions
    UNION ALL SELECT created_day FROM sla_target_crossings
),
touched_months AS (
    SELECT DISTINCT date_trunc('month', event_day) AS local_start
    FROM event_days
    WHERE event_day IS NOT NULL
)
SELECT local_start,
       local_start + INTERVAL 1 MONTH AS local_end,
       timezone($tz, local_start) AS start_at,
       timezone($tz, local_start + INTERVAL 1 MONTH) AS end_at
FROM touched_months
ORDER BY local_start
