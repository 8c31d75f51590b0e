-- Grain: one row per combination of the requested dimensions that is alive in the window: it has
-- a ticket created or resolved in the window, or open at its start. Without dimensions there is
-- always exactly one combination, so an empty window still lists every period with 0.
-- (is_combo is a constant so there is a column to group and partition by without dimensions.)
SELECT DISTINCT 1 AS is_combo @dims@
FROM cells
WHERE n_created <> 0 OR n_solved <> 0 OR d_backlog <> 0
   OR d_aged_1d <> 0 OR d_aged_3d <> 0 OR d_aged_7d <> 0
UNION BY NAME
SELECT 1 AS is_combo WHERE $no_dims
