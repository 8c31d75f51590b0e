-- Grain: one row per local day x region x language x vendor x abuse_category x priority x
-- channel x high_profile (filled slice by slice by mart_daily.sql).
CREATE OR REPLACE TABLE mart_daily (
    day            TIMESTAMP NOT NULL,   -- local midnight in the reporting zone
    region         VARCHAR   NOT NULL,
    language       VARCHAR   NOT NULL,
    vendor         VARCHAR   NOT NULL,
    abuse_category VARCHAR   NOT NULL,
    priority       VARCHAR   NOT NULL,
    channel        VARCHAR   NOT NULL,
    high_profile   BOOLEAN   NOT NULL,
    n_created      BIGINT    NOT NULL,   -- tickets created that day
    n_solved       BIGINT    NOT NULL,   -- tickets resolved that day
    n_escalated    BIGINT    NOT NULL,   -- of those created, escalated
    n_reopened     BIGINT    NOT NULL,   -- of those created, reopen_count > 0
    n_sla_decided  BIGINT    NOT NULL,   -- of those created, first-response target decided at as_of
    n_sla_met      BIGINT    NOT NULL,   -- of those created, answered within target
    sum_qa         DOUBLE    NOT NULL,
    n_qa           BIGINT    NOT NULL,
    sum_csat       BIGINT    NOT NULL,
    n_csat         BIGINT    NOT NULL,
    d_backlog      BIGINT    NOT NULL,   -- +1 per ticket created, -1 per ticket resolved
    d_aged_1d      BIGINT    NOT NULL,   -- +1 as an open ticket turns 24 h old, -1 when it is resolved
    d_aged_3d      BIGINT    NOT NULL,   -- the same at 72 h
    d_aged_7d      BIGINT    NOT NULL    -- the same at 168 h
)
