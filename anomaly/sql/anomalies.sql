-- Grain: one row per alert (one flagged stretch of one series); anomaly_id = hash of family,
-- series key and start, so re-running detection updates the same row while the alert goes on.
-- Triage state (acknowledged, notes) is NOT here: it lives in the SQLite triage store and survives
-- warehouse rebuilds; readers join it by anomaly_id.
-- An alert a later run no longer raises is kept, withdrawn (withdrawn_at set), as it was last shown;
-- raised again with the same id, it is live again. Withdrawn rows whose span ends before the
-- detector's history window (`[detection] history_days` before the newest ticket) are dropped.
CREATE TABLE IF NOT EXISTS anomalies (
    anomaly_id      VARCHAR     NOT NULL,
    family          VARCHAR     NOT NULL,   -- counts_hourly, counts_daily, share_daily, frt_p90_daily, mix_daily, ...
    metric          VARCHAR     NOT NULL,   -- inflow | category_share | frt_p90 | category_mix
    grain           VARCHAR     NOT NULL,   -- hour | day
    series_key      VARCHAR     NOT NULL,   -- e.g. abuse_category=spam|region=BR
    dims_json       VARCHAR     NOT NULL,   -- the key as a JSON object
    abuse_category  VARCHAR,
    region          VARCHAR,
    direction       VARCHAR     NOT NULL,   -- up | down
    start_at        TIMESTAMPTZ NOT NULL,
    end_at          TIMESTAMPTZ NOT NULL,   -- start of the last anomalous bucket
    peak_at         TIMESTAMPTZ NOT NULL,
    peak_value      DOUBLE,
    peak_expected   DOUBLE,
    observed        DOUBLE,
    expected        DOUBLE,
    excess          DOUBLE,
    rise_pct        DOUBLE,
    lower_bound     DOUBLE,
    upper_bound     DOUBLE,
    p_value         DOUBLE,
    score           DOUBLE      NOT NULL,
    severity        VARCHAR     NOT NULL,   -- low | medium | high | critical
    n_points        INTEGER     NOT NULL,
    status          VARCHAR     NOT NULL,   -- open (still anomalous at the data's end) | closed
    labels          VARCHAR,                -- known calendar events overlapping the alert
    explanation     VARCHAR     NOT NULL,
    contributors_json VARCHAR   NOT NULL,   -- [{dimension, value, observed, expected, excess, share_of_excess}]
    baseline        VARCHAR,
    detected_at     TIMESTAMPTZ NOT NULL,
    withdrawn_at    TIMESTAMPTZ,            -- NULL = live; else when a run first no longer raised it
    withdrawn_reason VARCHAR,               -- why, as far as the run could tell
    replaced_by     VARCHAR,                -- the live alert on the same series that now covers its span
    parent_id       VARCHAR,                -- the lead alert of its incident (anomaly/grouping.py); NULL = a lead or alone
    related_json    VARCHAR                 -- on a lead: the other alerts of its incident [{anomaly_id, family, series_key, severity, excess_tickets}]
);
-- Warehouses created before withdrawn alerts were kept: add the columns in place.
ALTER TABLE anomalies ADD COLUMN IF NOT EXISTS withdrawn_at TIMESTAMPTZ;
ALTER TABLE anomalies ADD COLUMN IF NOT EXISTS withdrawn_reason VARCHAR;
ALTER TABLE anomalies ADD COLUMN IF NOT EXISTS replaced_by VARCHAR;
-- ... and before alerts were grouped by incident.
ALTER TABLE anomalies ADD COLUMN IF NOT EXISTS parent_id VARCHAR;
ALTER TABLE anomalies ADD COLUMN IF NOT EXISTS related_json VARCHAR;
