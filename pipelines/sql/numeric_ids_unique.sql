-- Grain: one row. Whether this load's numeric ids (ticket_number, schema.sql) are all different,
-- tested with one bit per possible id over their range ($low..$high, which the caller bounds):
-- a bitmap of a few MB instead of a hash table of every key, which is what a GROUP BY of a
-- 10M-row first load costs (1.4 of its 23 s, benchmarks/README.md).
SELECT bit_count(bitstring_agg(ticket_number, $low, $high)) = count(*) AS is_unique
FROM tickets
WHERE load_run_id = $load_run_id AND ticket_number IS NOT NULL;
