"""Spike detection over ticket series: baselines, bands, alerts, explanations, drill-down, triage.

Public entry points:
  anomaly.detector.detect_series(series, settings)         one pandas Series -> per-row verdicts
  anomaly.detector.evaluate_points(values2d, step_s, s)     many series at once (numpy)
  anomaly.series.load_families / load_series               warehouse counts as series families
  anomaly.scan.scan_family                                 run the detector over one family
  anomaly.warehouse_detection.run_detection(con, config)   scan the warehouse, store `anomalies`
  anomaly.warehouse_detection.mark_reported(config, ids)   after the swap (and the webhook post)
  anomaly.share.share_count_verdicts(...)                  category shares tested as counts
  anomaly.api.list_anomalies / get_anomaly                 alerts with their triage state
  anomaly.triage.set_status / add_annotation               the triage store's writes
  anomaly.settings.DetectorSettings, settings_from_config(config)
  anomaly.nab / anomaly.evaluate_nab                       NAB scoring (the job is safetyops.evaluate)
"""
