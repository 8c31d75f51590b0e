-- Grain: one row per dimension x distinct value in tickets (filter validation and pickers,
-- without scanning tickets on every query).
CREATE OR REPLACE TABLE mart_dimension_values AS
WITH dimension_values AS (
    SELECT DISTINCT 'region' AS dim, region AS dim_value FROM tickets
    UNION ALL SELECT DISTINCT 'language', language FROM tickets
    UNION ALL SELECT DISTINCT 'vendor', vendor FROM tickets
    UNION ALL SELECT DISTINCT 'abuse_category', abuse_category FROM tickets
    UNION ALL SELECT DISTINCT 'queue', queue FROM tickets
    UNION ALL SELECT DISTINCT 'priority', priority FROM tickets
    UNION ALL SELECT DISTINCT 'channel', channel FROM tickets
)
SELECT * FROM dimension_values
ORDER BY dim, dim_value
