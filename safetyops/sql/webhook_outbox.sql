-- SQLite, in the triage store beside the warehouse (the file that also holds `seen`), so queuing a
-- message and recording its alerts as reported is one transaction.
-- Grain: one row per webhook message (one refresh's new high/critical alerts), written before the
-- first attempt to post it. A row still 'pending' when a run starts was not delivered (the
-- receiver was down) or was perhaps posted by a run killed before it could record the outcome: it
-- is posted again, the same bytes under the same Idempotency-Key, so the receiver can drop a copy,
-- until it is delivered or older than the webhook lookback ('failed').
CREATE TABLE IF NOT EXISTS webhook_outbox (
    delivery_key TEXT PRIMARY KEY,   -- the Idempotency-Key header and the body's delivery_key
    body         TEXT NOT NULL,      -- the JSON posted, re-posted byte for byte
    n_alerts     INTEGER NOT NULL,
    state        TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'failed')),
    created_at   TEXT NOT NULL,
    posts        INTEGER NOT NULL DEFAULT 0,   -- times a run posted it (each with its HTTP retries)
    last_status  INTEGER,                      -- last HTTP status, NULL when none came back
    last_error   TEXT,
    finished_at  TEXT
);
