-- Grain: one row per local day (reporting zone) x region x language x vendor x abuse_category x
-- priority x channel x high_profile that has any event (created, resolved, or an age-band crossing).
-- The body is cells_from_tickets.sql at day grain, so the mart and a direct query share one
-- definition. Built one time slice (a local month) at a time, in time order: memory stays
-- bounded by one month's cells and date-range scans can skip row groups.
INSERT INTO mart_daily BY NAME
WITH daily_cells AS (
@cells@
)
SELECT period_start AS day, * EXCLUDE (period_start)
FROM daily_cells
