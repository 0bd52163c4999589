#!/usr/bin/env bash
# Runs one command of every service's CLI that has it: `deploy/manage.sh migrate`, `... seed-demo`.
set -euo pipefail
cd "$(dirname "$0")/.."
. deploy/env.sh
for service in fortnox_sandbox auth tokens settings; do
  if .venv/bin/python -m "$service.entrypoints.cli" --help | grep -q "^  $1 "; then
    .venv/bin/python -m "$service.entrypoints.cli" "$@"
  fi
done
