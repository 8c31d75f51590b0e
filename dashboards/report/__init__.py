"""The weekly HTML report: one self-contained, offline, printable file per ISO week.

build.py renders; sections.py, anomalies.py and data_quality.py gather the numbers (all through the
metrics and anomaly read layers); charts.py turns them into plotly divs with fixed ids, so the same
warehouse and week give the same bytes except the generation time.
"""
