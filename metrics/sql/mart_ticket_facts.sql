-- Grain: one row per ticket (rows: metrics/sql/mart_ticket_facts_rows.sql over all time).
CREATE OR REPLACE TABLE mart_ticket_facts AS
@rows@
