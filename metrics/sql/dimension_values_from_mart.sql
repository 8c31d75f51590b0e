-- Grain: one row per distinct value of one dimension, from mart_dimension_values.
SELECT dim_value
FROM mart_dimension_values
WHERE dim = $dim
ORDER BY dim_value
