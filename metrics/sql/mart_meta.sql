-- Grain: one row per key: what mart_daily was built from (as_of, ticket count, zone, SLA targets).
CREATE OR REPLACE TABLE mart_meta (key VARCHAR NOT NULL, value VARCHAR)
