#!/usr/bin/env bash
# From a fresh clone to the dashboard on sample data: install, write a config under data/,
# generate a sample Zendesk export into the inbox and run the same refresh cron runs (load,
# marts, detection, weekly report), then serve the dashboard on http://127.0.0.1:8050.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export SAFETYOPS_CONFIG=${SAFETYOPS_CONFIG:-data/safetyops.toml}
CONFIG_DIR="$(dirname "$SAFETYOPS_CONFIG")"
mkdir -p "$CONFIG_DIR"
# The secret behind every reporter hash (HMAC-SHA256): generated once, readable only by you.
# Losing it means new loads no longer match old hashes; see README "Privacy: the reporter hash key".
if [ ! -f "$CONFIG_DIR/hash.key" ]; then
  (umask 077 && .venv/bin/python -c "import secrets; print(secrets.token_urlsafe(32))" > "$CONFIG_DIR/hash.key")
fi
if [ ! -f "$SAFETYOPS_CONFIG" ]; then
  cat > "$SAFETYOPS_CONFIG" <<'TOML'
# Written by scripts/quickstart.sh; paths are relative to this file.
[warehouse]
path = "warehouse.duckdb"
[privacy]
hash_key_file = "hash.key"          # owner-only; never commit or share it
[reporting]
timezone = "America/Sao_Paulo"
[ingest.timezones]
zendesk = "America/Sao_Paulo"      # the sample Zendesk export's account zone
[refresh]
inbox = "inbox"
archive = "archive"
failed = "failed"
reports = "reports"
TOML
fi
if ! .venv/bin/safetyops status >/dev/null 2>&1; then
  .venv/bin/safetyops sample --out data/sample --format zendesk --days 120 --per-day 2000 --seed 7 \
    --export-timezone America/Sao_Paulo
  mkdir -p data/inbox
  cp data/sample/tickets_zendesk.csv data/inbox/
  .venv/bin/safetyops refresh --report
fi
# An admin account for the dashboard (sign-in is required); its password is generated once and
# kept in a file only you can read.
ADMIN_PASSWORD_FILE="$CONFIG_DIR/admin-password.txt"
if ! .venv/bin/safetyops users list --format json | grep -q '"name": "admin"'; then
  (umask 077 && .venv/bin/python -c "import secrets; print(secrets.token_urlsafe(18))" > "$ADMIN_PASSWORD_FILE")
  .venv/bin/safetyops users add admin --role admin --password-stdin < "$ADMIN_PASSWORD_FILE"
fi
echo "safetyops: dashboard on http://127.0.0.1:8050 (Ctrl-C stops it)"
echo "  sign in as 'admin' with the password in $ADMIN_PASSWORD_FILE"
echo "  add people with: .venv/bin/safetyops users add NAME --role lead|analyst|vendor [--vendor V] --password-stdin"
# gunicorn, the production server (`python app.py` is the single-process development one)
exec .venv/bin/safetyops serve
