#!/usr/bin/env bash
# `make reset`: drops the local run's databases and $RF_VAR_DIR (secrets, mails, demo files), so
# the next `make run` starts over with fresh demo data. It asks for a typed "reset" first;
# `deploy/reset.sh --yes` (`make reset YES=1`) does not ask, for scripts and CI.
set -euo pipefail
cd "$(dirname "$0")/.."
deploy/bootstrap.sh
. deploy/env.sh
if [ -z "$RF_VAR_DIR" ] || [ "$(realpath "$RF_VAR_DIR")" = / ]; then
  echo "RF_VAR_DIR is '$RF_VAR_DIR': refusing to delete that." >&2
  exit 2
fi
pidfile="$RF_VAR_DIR/supervisord.pid"
if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
  echo "make run is still running (supervisord pid $(cat "$pidfile")): stop it with Ctrl-C first." >&2
  exit 1
fi
urls=("$AUTH_DATABASE_URL" "$TOKENS_DATABASE_URL" "$SETTINGS_DATABASE_URL" "$FORTNOX_SANDBOX_DATABASE_URL")
echo "make reset deletes, for good:"
.venv/bin/python -c '
import sys
from servicekit import db
for url in sys.argv[1:]:
    print(f"  database {db.database_name(url)}")' "${urls[@]}"
echo "  folder   $RF_VAR_DIR (secrets.env, mails, demo files)"
if [ "${1:-}" != "--yes" ]; then
  read -r -p 'Type "reset" to go on: ' answer || answer=
  if [ "$answer" != reset ]; then
    echo "Nothing deleted."
    exit 1
  fi
fi
.venv/bin/python -c '
import sys
from servicekit import db
for url in sys.argv[1:]:
    db.drop_database(url)' "${urls[@]}"
rm -rf "$RF_VAR_DIR"
echo "Done: \`make run\` starts over with fresh demo data."
