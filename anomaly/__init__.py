"""Spike detection over ticket series: baselines, bands, alerts, explanations, drill-down, triage.

Public entry points:
  anomaly.detector.detect_series(series, settings)        one pandas Series -> per-row verdicts
  anomaly.detector.evaluate_points(values2d, step_s, s)    many series at once (numpy)
  anomaly.detect.run_detection(con, config)                scan the warehouse, store `anomalies`
  anomaly.detect.mark_reported(config, summary.new_ids)    after the swap (and the webhook post)
  anomaly.share.share_count_verdicts(...)                  category shares tested as counts
  anomaly.api.list_anomalies / get_anomaly / set_triage / list_annotations / add_annotation
  anomaly.settings.DetectorSettings, settings_from_config(config)
  anomaly.nab / anomaly.evaluate_nab / anomaly.evaluate    evaluation (`safetyops anomaly evaluate`)
"""
