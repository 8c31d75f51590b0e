-- The warehouse's core tables. Every statement is idempotent so opening an older file upgrades it.
-- Timestamps are TIMESTAMPTZ in UTC; connections run with TimeZone = 'UTC'.

-- Grain: one row per ticket, keyed by (source, ticket_id); the version with the latest updated_at wins.
-- No PRIMARY KEY: the loader keeps the key unique with delete-then-insert, which an ART index
-- would make slower and (within one transaction) refuse.
CREATE TABLE IF NOT EXISTS tickets (
    source             VARCHAR     NOT NULL,
    ticket_id          VARCHAR     NOT NULL USING COMPRESSION zstd,   -- (below: why zstd)
    created_at         TIMESTAMPTZ NOT NULL,
    updated_at         TIMESTAMPTZ NOT NULL,
    first_response_at  TIMESTAMPTZ,
    resolved_at        TIMESTAMPTZ,
    status             VARCHAR     NOT NULL,
    priority           VARCHAR     NOT NULL,
    channel            VARCHAR     NOT NULL,
    abuse_category     VARCHAR     NOT NULL,
    region             VARCHAR     NOT NULL,
    language           VARCHAR     NOT NULL,
    vendor             VARCHAR     NOT NULL,
    queue              VARCHAR     NOT NULL,
    agent_id           VARCHAR,
    escalated          BOOLEAN     NOT NULL,
    high_profile       BOOLEAN     NOT NULL,
    reopen_count       INTEGER     NOT NULL,
    qa_score           DOUBLE,
    csat               INTEGER,
    reporter_hash      VARCHAR USING COMPRESSION zstd,   -- (below: why zstd)
    tags               VARCHAR[],
    load_run_id        BIGINT      NOT NULL
);
-- reporter_hash: 64 hex digits of an HMAC, nearly one per row, which no dashboard reads. DuckDB's
-- own choice, DICT_FSST, first tries a dictionary of the (unique) values: writing the column cost
-- 0.5 CPU-s per 1M rows against 0.4 as ZSTD (+6% of the column's size, +2% of the file), and a 10M
-- Zendesk load's peak memory 1.14 against 0.94-0.99 GB (benchmarks/README.md, ingest, 2026-12-07
-- afternoon). ticket_id likewise, one value per row: 0.11 against 0.25 CPU-s per 1M Zendesk rows
-- to write, reads as fast (a distinct count 0.08 against 0.10 CPU-s), +2 MiB per 1M rows
-- (benchmarks/README.md, ingest, 2026-12-08). A warehouse created before keeps DuckDB's choice (a
-- column's compression is set where the table is created).
-- load_detail: what the loader noted about the row, one JSON object (NULL for most rows), with
-- the keys line_number, reject_reason, reject_column, reject_value, raw_record, note_flags,
-- category_raw, channel_raw, subject, description and row_hash (a rejected row's hash of the raw
-- values it was built from, by which the load finds its line: pipelines/normalize.py). The load
-- writes every line of a file here in one parallel pass; rejected lines and ticket text move to
-- their own tables before the load ends, so a stored row keeps only note_flags (bits: see
-- NOTE_FLAGS in pipelines/reject_reasons.py), the unmapped raw category or channel, and the line.
-- One JSON column, not a STRUCT: DuckDB stores and compresses each of a struct's eleven fields as
-- a column of its own even when every row is NULL, which cost a tenth of a canonical load's CPU.
-- (Warehouses that hold the STRUCT are converted by core/warehouse.py.)
ALTER TABLE tickets ADD COLUMN IF NOT EXISTS load_detail JSON;
-- ticket_number: ticket_id as a BIGINT when the id is a plain decimal number written the one way
-- a number prints ('123', not '0123' or '+123'), else NULL; so equal numbers are equal ids. A load
-- finds the stored versions of its numeric ids by this column (hashing 10M integers, not 10M
-- strings: pipelines/sql/keep_newest_versions.sql). Rows written without it (older files, rows
-- inserted by hand) are still found, by their ticket_id.
ALTER TABLE tickets ADD COLUMN IF NOT EXISTS ticket_number BIGINT;

-- desk_minutes: figures a help desk exports beside the calendar ones (Zendesk's "... in minutes
-- within business hours" and wait times), as a list of six DOUBLE in this order:
-- first_response_business_minutes, resolution_business_minutes, requester_wait_minutes,
-- requester_wait_business_minutes, agent_wait_minutes, agent_wait_business_minutes (NULL where the
-- export lacks one); the view ticket_desk_minutes names them. Kept apart and never mixed into the
-- calendar metrics (a reply after a weekend is 0 business minutes); NULL unless the export has such
-- a column. A list, not six columns nor a STRUCT: each of those costs every load's write even when
-- NULL (a STRUCT of six: +9% on a 10M canonical load), a NULL list is one column; and not a JSON
-- object, which costs serialising per row (benchmarks/README.md, ingest). Older types are
-- converted by core/upgrades.py.
ALTER TABLE tickets ADD COLUMN IF NOT EXISTS desk_minutes DOUBLE[];
-- (warehouses written between 2026-12-06 19:59 and 20:30 UTC held them as six columns)
ALTER TABLE tickets DROP COLUMN IF EXISTS first_response_business_minutes;
ALTER TABLE tickets DROP COLUMN IF EXISTS resolution_business_minutes;
ALTER TABLE tickets DROP COLUMN IF EXISTS requester_wait_minutes;
ALTER TABLE tickets DROP COLUMN IF EXISTS requester_wait_business_minutes;
ALTER TABLE tickets DROP COLUMN IF EXISTS agent_wait_minutes;
ALTER TABLE tickets DROP COLUMN IF EXISTS agent_wait_business_minutes;

-- Grain: one row per input file we were asked to load (skipped re-loads included).
CREATE SEQUENCE IF NOT EXISTS load_run_ids START 1;
CREATE TABLE IF NOT EXISTS load_runs (
    load_run_id     BIGINT      NOT NULL,
    path            VARCHAR     NOT NULL,
    file_name       VARCHAR     NOT NULL,
    sha256          VARCHAR     NOT NULL,
    source          VARCHAR     NOT NULL,
    rows_read       BIGINT      NOT NULL,
    rows_loaded     BIGINT      NOT NULL,
    rows_inserted   BIGINT      NOT NULL,
    rows_updated    BIGINT      NOT NULL,
    rows_stale      BIGINT      NOT NULL,
    rows_rejected   BIGINT      NOT NULL,
    started_at      TIMESTAMPTZ NOT NULL,
    finished_at     TIMESTAMPTZ NOT NULL,
    status          VARCHAR     NOT NULL,   -- loaded | skipped (same sha256 already loaded)
    timezone        VARCHAR
);

-- file_bytes: the file's size, so a file of a size never loaded is known to be new without
-- waiting for its sha256 (which is then computed while the file loads). NULL on older rows.
ALTER TABLE load_runs ADD COLUMN IF NOT EXISTS file_bytes BIGINT;

-- Grain: one row per input row that could not be loaded. line counts records, header = line 1.
CREATE TABLE IF NOT EXISTS rejected_rows (
    load_run_id   BIGINT  NOT NULL,
    file_name     VARCHAR NOT NULL,
    line_number   BIGINT,
    reason        VARCHAR NOT NULL,
    column_name   VARCHAR,
    bad_value     VARCHAR,
    raw_record    VARCHAR              -- JSON of the raw fields, reporter fields hashed, text dropped
);

-- Grain: one row per load × observation worth counting that did not reject the row
-- (a category that mapped to `other`, a placeholder date read as missing, ...).
CREATE TABLE IF NOT EXISTS load_notes (
    load_run_id  BIGINT  NOT NULL,
    note         VARCHAR NOT NULL,
    column_name  VARCHAR,
    raw_value    VARCHAR,
    n_rows       BIGINT  NOT NULL
);

-- Grain: one row per Salesforce CaseMilestone (first-response milestones give first_response_at).
CREATE TABLE IF NOT EXISTS case_milestones (
    source           VARCHAR     NOT NULL,
    case_id          VARCHAR     NOT NULL,
    milestone_name   VARCHAR     NOT NULL,
    completed_at     TIMESTAMPTZ,
    target_at        TIMESTAMPTZ,
    is_violated      BOOLEAN,
    load_run_id      BIGINT      NOT NULL
);

-- Grain: one row per ticket, only when the config allows storing ticket text.
CREATE TABLE IF NOT EXISTS ticket_text (
    source       VARCHAR NOT NULL,
    ticket_id    VARCHAR NOT NULL,
    subject      VARCHAR,
    description  VARCHAR
);

-- Grain: one row per key; small facts about the warehouse (schema version, last build).
CREATE TABLE IF NOT EXISTS warehouse_meta (
    key    VARCHAR NOT NULL,
    value  VARCHAR
);
