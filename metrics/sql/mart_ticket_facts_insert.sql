-- Grain: one row per ticket created in one local month (metrics/sql/mart_ticket_facts_rows.sql),
-- appended after that month's old rows were deleted (incremental update).
INSERT INTO mart_ticket_facts BY NAME
@rows@
