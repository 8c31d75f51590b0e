-- Grain: one row per synthetic ticket (benchmark data), seeded and deterministic: every random
-- draw is hash(row, seed, stream) so the same --rows/--seed gives the same warehouse.
-- Parameters: $rows, $seed, $start_at (TIMESTAMPTZ), $days. Stored in creation order, as real
-- exports load (ticket ids grow with time).
INSERT INTO tickets BY NAME   -- by name: the loader's load_detail column stays NULL
WITH draws AS (
    SELECT
        i,
        (hash(i, $seed, 1) % 1000000) / 1e6 AS u_created,
        (hash(i, $seed, 2) % 1000000) / 1e6 AS u_priority,
        (hash(i, $seed, 3) % 1000000) / 1e6 + 1e-6 AS u_frt,
        (hash(i, $seed, 4) % 1000000) / 1e6 + 1e-6 AS u_ttr,
        (hash(i, $seed, 5) % 1000000) / 1e6 AS u_open,
        CAST(hash(i, $seed, 6) % 1000003 AS BIGINT) AS h_region,
        CAST(hash(i, $seed, 7) % 1000003 AS BIGINT) AS h_category,
        CAST(hash(i, $seed, 8) % 1000003 AS BIGINT) AS h_vendor,
        CAST(hash(i, $seed, 9) % 1000003 AS BIGINT) AS h_channel,
        (hash(i, $seed, 10) % 1000000) / 1e6 AS u_flags,
        (hash(i, $seed, 11) % 1000000) / 1e6 AS u_quality
    FROM range($rows) AS t(i)
),
shaped AS (
    SELECT
        *,
        $start_at + to_microseconds(CAST(u_created * $days * 86400e6 AS BIGINT)) AS created_at,
        CASE WHEN u_priority < 0.05 THEN 'urgent' WHEN u_priority < 0.25 THEN 'high'
             WHEN u_priority < 0.85 THEN 'normal' ELSE 'low' END AS priority,
        ['BR', 'US', 'DE', 'IN', 'JP', 'MX', 'GB', 'FR', 'ID', 'NG'][1 + h_region % 10] AS region,
        ['hateful_conduct', 'violent_threats', 'harassment', 'child_safety', 'private_information',
         'sensitive_media', 'self_harm', 'impersonation', 'spam', 'violent_extremism', 'other'][1 + h_category % 11]
            AS abuse_category,
        ['in_house', 'vendor_a', 'vendor_b', 'vendor_c', 'vendor_d'][1 + h_vendor % 5] AS vendor,
        ['web', 'app', 'email', 'api', 'phone', 'other'][1 + h_channel % 6] AS channel
    FROM draws
),
timed AS (
    SELECT
        *,
        -- exponential first response (mean by priority) and resolution; recent tickets stay open more
        CASE WHEN u_open < 0.03 THEN NULL
             ELSE created_at + to_microseconds(CAST(-ln(u_frt) * 60e6 * CASE priority
                  WHEN 'urgent' THEN 30 WHEN 'high' THEN 150 WHEN 'normal' THEN 700 ELSE 2000 END AS BIGINT)) END
            AS first_response_at,
        CASE WHEN u_open < 0.06 THEN NULL
             ELSE created_at + to_microseconds(CAST(-ln(u_ttr) * 3600e6 * 30 AS BIGINT)) END AS resolved_at
    FROM shaped
)
SELECT
    'bench' AS source,
    'B' || i AS ticket_id,
    created_at,
    greatest(created_at, first_response_at, resolved_at) AS updated_at,
    first_response_at,
    resolved_at,
    CASE WHEN resolved_at IS NULL THEN 'open' ELSE 'solved' END AS status,
    priority,
    channel,
    abuse_category,
    region,
    CASE region WHEN 'BR' THEN 'pt' WHEN 'DE' THEN 'de' WHEN 'JP' THEN 'ja' WHEN 'MX' THEN 'es'
                WHEN 'FR' THEN 'fr' WHEN 'ID' THEN 'id' ELSE 'en' END AS language,
    vendor,
    'queue_' || (h_vendor % 7) AS queue,
    'agent_' || (h_channel % 400) AS agent_id,
    u_flags < 0.05 AS escalated,
    u_flags > 0.99 AS high_profile,
    CASE WHEN u_quality < 0.08 THEN 1 ELSE 0 END AS reopen_count,
    CASE WHEN u_quality > 0.7 THEN round(50 + u_quality * 50, 1) END AS qa_score,
    CASE WHEN u_quality > 0.8 THEN 1 + CAST(floor((u_quality - 0.8) * 25) AS INTEGER) END AS csat,
    NULL AS reporter_hash,
    []::VARCHAR[] AS tags,
    0 AS load_run_id
FROM timed
-- exports arrive roughly in creation order, so the table is stored that way
ORDER BY created_at
