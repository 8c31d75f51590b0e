-- Grain: one row per line of this load that broke a rule. The load inserted every line of the
-- file into tickets in file order, so a row's position is its rank among this load's rows
-- ($first_row_id is the first one's rowid) and its line is that position shifted down by each
-- record the CSV parser skipped before it ($line_shifts, see readers.line_shifts); sources that
-- number their own records (JSON) carry the number in load_detail.line_number. The raw record
-- comes from load_detail, or from ingest_raw_records when it was read back by position.
INSERT INTO rejected_rows
WITH rejected AS (
    SELECT rowid - $first_row_id AS position, load_detail
    FROM tickets
    WHERE load_run_id = $load_run_id AND load_detail.reject_reason IS NOT NULL
)
SELECT
    $load_run_id,
    $file_name,
    coalesce(r.load_detail.line_number,
             r.position + $first_line
             + len(list_filter(CAST($line_shifts AS BIGINT[]), lambda shift: shift <= r.position + 1)))
        AS line_number,
    r.load_detail.reject_reason,
    r.load_detail.reject_column,
    r.load_detail.reject_value,
    coalesce(b.raw_record, r.load_detail.raw_record)
FROM rejected AS r
LEFT JOIN ingest_raw_records AS b ON b.position = r.position
ORDER BY line_number;

DELETE FROM tickets WHERE load_run_id = $load_run_id AND load_detail.reject_reason IS NOT NULL;
