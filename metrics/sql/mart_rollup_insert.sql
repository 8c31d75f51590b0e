-- Grain: one row per local day of one month x the roll-up's dimensions
-- (metrics/sql/mart_rollup_rows.sql), appended after that month's old rows were deleted.
INSERT INTO @mart@ BY NAME
@rows@
