-- Grain: one row per line of this load that broke a rule. The load inserted every line of the
-- file into tickets in file order, so a row's line is its position among this load's rows
-- ($first_row_id is the first one's rowid), shifted down by each record the CSV parser skipped
-- before it ($line_shifts, see readers.line_shifts); sources that number their own records
-- (JSON) carry the number in load_detail.line_number.
INSERT INTO rejected_rows
SELECT
    $load_run_id,
    $file_name,
    coalesce(load_detail.line_number,
             rowid - $first_row_id + $first_line
             + len(list_filter(CAST($line_shifts AS BIGINT[]), lambda shift: shift <= rowid - $first_row_id + 1)))
        AS line_number,
    load_detail.reject_reason,
    load_detail.reject_column,
    load_detail.reject_value,
    load_detail.raw_record
FROM tickets
WHERE load_run_id = $load_run_id AND load_detail.reject_reason IS NOT NULL
ORDER BY line_number;

DELETE FROM tickets WHERE load_run_id = $load_run_id AND load_detail.reject_reason IS NOT NULL;
