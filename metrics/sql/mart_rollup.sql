-- Grain: one row per local day x the roll-up's dimensions (rows: metrics/sql/mart_rollup_rows.sql
-- over all time).
CREATE OR REPLACE TABLE @mart@ AS
@rows@
