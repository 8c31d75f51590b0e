-- Grain: one row per reason x column x raw value of the rows a checked load would reject, with
-- how many rows and the first line; the most frequent first.
SELECT reason, column_name, bad_value, count(*) AS n_rows, min(line_number) AS first_line
FROM rejected_rows
GROUP BY reason, column_name, bad_value
ORDER BY n_rows DESC, reason, bad_value
LIMIT $limit
