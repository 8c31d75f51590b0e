#!/usr/bin/env bash
# The whole test suite: installs what it needs (venv, test extras, Debian chromium for the
# browser tests), then runs pytest on both cores. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
set +e
.venv/bin/python -m pytest -n 2 --dist loadfile "$@"
status=$?
set -e
if [ $status = 5 ]; then
  echo "test.sh: pytest collected no tests: the suite is missing, which is a failure" >&2
  exit 1
fi
exit $status
