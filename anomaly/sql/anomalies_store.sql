-- One detection run's write, inside the writer's transaction. Registered frames: new_anomalies
-- (every alert this run raised) and withdrawn_now (earlier live alerts it did not raise, with why).
-- 1. Earlier alerts no longer raised are kept, marked withdrawn, exactly as they were last shown.
UPDATE anomalies
   SET withdrawn_at = w.withdrawn_at, withdrawn_reason = w.withdrawn_reason, replaced_by = w.replaced_by
  FROM withdrawn_now w
 WHERE anomalies.anomaly_id = w.anomaly_id;
-- 2. This run's alerts replace their stored rows (a withdrawn one raised again is live again).
DELETE FROM anomalies WHERE anomaly_id IN (SELECT anomaly_id FROM new_anomalies);
-- 3. Bounded: withdrawn alerts that ended before the detector's history window are dropped.
DELETE FROM anomalies WHERE withdrawn_at IS NOT NULL AND end_at < $history_start;
INSERT INTO anomalies BY NAME SELECT * FROM new_anomalies;
