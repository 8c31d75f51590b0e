-- Grain: removes the rows of one local month [$local_start, $local_end) from one month-sliced mart
-- (table and its local-day column from the fixed list in metrics/mart_update.py).
DELETE FROM @mart@
WHERE @day@ >= $local_start AND @day@ < $local_end
