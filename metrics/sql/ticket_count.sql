-- Grain: one row: how many tickets the drill-down listing matches (for the pager).
SELECT count(*) AS n_total
FROM tickets
WHERE @scope@
  @filters@
