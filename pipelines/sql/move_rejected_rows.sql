-- Grain: one row per line of this load that broke a rule. Every rejected row carries its line in
-- the file and its raw record in load_detail: sources that number their own records (JSON) from
-- the first pass, the others from the pass that re-read the rejected rows in file order.
INSERT INTO rejected_rows
SELECT
    $load_run_id,
    $file_name,
    CAST(load_detail->>'line_number' AS BIGINT) AS line_number,
    load_detail->>'reject_reason',
    load_detail->>'reject_column',
    load_detail->>'reject_value',
    load_detail->>'raw_record'
FROM tickets
WHERE load_run_id = $load_run_id AND (load_detail->>'reject_reason') IS NOT NULL
ORDER BY line_number;

DELETE FROM tickets WHERE load_run_id = $load_run_id AND (load_detail->>'reject_reason') IS NOT NULL;
