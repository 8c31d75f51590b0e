-- Alerts stored live by an earlier run that this run (registered as new_anomalies) did not raise
-- again, each with the first of this run's alerts on the same series whose span overlaps it: the
-- alert that replaced it when later data moved its start or merged it into a longer stretch.
SELECT a.anomaly_id, a.family, a.series_key, a.dims_json, a.start_at, a.end_at,
       arg_min(n.anomaly_id, n.start_at) AS replaced_by,
       min(n.start_at) AS replaced_by_start
FROM anomalies a
LEFT JOIN new_anomalies n
       ON n.family = a.family AND n.series_key = a.series_key
      AND n.start_at <= a.end_at AND n.end_at >= a.start_at
WHERE a.withdrawn_at IS NULL
  AND a.anomaly_id NOT IN (SELECT anomaly_id FROM new_anomalies)
GROUP BY a.anomaly_id, a.family, a.series_key, a.dims_json, a.start_at, a.end_at
ORDER BY a.start_at, a.anomaly_id;
