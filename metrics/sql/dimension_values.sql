-- Grain: one row per distinct value of one dimension (the column comes from the allow-list).
SELECT DISTINCT CAST(dim_value AS VARCHAR) AS dim_value
FROM (SELECT 0 AS is_key @dims@ FROM tickets) AS scoped(is_key, dim_value)
ORDER BY dim_value
