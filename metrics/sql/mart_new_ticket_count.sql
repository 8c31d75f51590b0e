-- Grain: one row: how many changed ticket keys are in tickets but not yet in mart_ticket_facts
-- (the tickets the loads added), to check the marts' ticket count adds up before an update.
SELECT count(*) AS n_new_tickets
FROM mart_changed_keys AS k
SEMI JOIN tickets AS t ON t.source = k.source AND t.ticket_id = k.ticket_id
ANTI JOIN mart_ticket_facts AS f ON f.source = k.source AND f.ticket_id = k.ticket_id
