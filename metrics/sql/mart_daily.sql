-- Grain: one row per local day (reporting zone) x region x language x vendor x abuse_category x
-- priority x channel x high_profile that has any event (created, resolved, or an age-band crossing).
-- The body is cells_from_tickets.sql at day grain over all time, so the mart and a direct
-- query share one definition. Sorted by day so date-range scans skip row groups.
CREATE OR REPLACE TABLE mart_daily AS
WITH daily_cells AS (
@cells@
)
SELECT period_start AS day, * EXCLUDE (period_start)
FROM daily_cells
ORDER BY day
