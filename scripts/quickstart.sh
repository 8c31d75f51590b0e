#!/usr/bin/env bash
# From a fresh clone to the dashboard on sample data: install, generate a sample Zendesk-style
# export and a canonical one, load them, build marts and detect anomalies, then serve on :8050.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export SAFETYOPS_DB=${SAFETYOPS_DB:-data/warehouse.duckdb}
if [ ! -f "$SAFETYOPS_DB" ]; then
  .venv/bin/safetyops sample --out data/sample --format canonical --days 120 --per-day 2000 --seed 7
  .venv/bin/safetyops ingest data/sample/tickets_canonical.csv
  .venv/bin/safetyops refresh --inbox data/empty-inbox
fi
echo "safetyops: dashboard on http://127.0.0.1:8050 (Ctrl-C stops it)"
exec .venv/bin/python app.py
