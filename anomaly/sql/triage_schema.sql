-- SQLite triage store beside the warehouse: survives warehouse rebuilds, needs no writer lock.
-- Grain: one row per anomaly_id that someone triaged (current state).
CREATE TABLE IF NOT EXISTS triage (
    anomaly_id  TEXT PRIMARY KEY,
    status      TEXT NOT NULL CHECK (status IN ('new', 'acknowledged', 'resolved', 'false_positive')),
    note        TEXT,
    who         TEXT,
    updated_at  TEXT NOT NULL
);
-- Grain: one row per triage change (audit trail).
CREATE TABLE IF NOT EXISTS triage_log (
    anomaly_id  TEXT NOT NULL,
    status      TEXT NOT NULL,
    note        TEXT,
    who         TEXT,
    changed_at  TEXT NOT NULL
);
-- Grain: one row per anomaly_id ever reported by detection, so a rebuilt warehouse does not
-- announce old alerts as new again.
CREATE TABLE IF NOT EXISTS seen (
    anomaly_id     TEXT PRIMARY KEY,
    first_seen_at  TEXT NOT NULL
);
-- Grain: one row per annotated event (incident, launch, vendor change, holiday); they feed the
-- detector's event calendar.
CREATE TABLE IF NOT EXISTS annotations (
    annotation_id  INTEGER PRIMARY KEY AUTOINCREMENT,
    start_at       TEXT NOT NULL,
    end_at         TEXT NOT NULL,
    label          TEXT NOT NULL,
    kind           TEXT NOT NULL,
    action         TEXT NOT NULL,
    abuse_category TEXT,
    region         TEXT,
    who            TEXT,
    created_at     TEXT NOT NULL
);
