#!/usr/bin/env bash
# `make run`: install, migrate, load demo data, start everything under supervisord
# (deploy/supervise.py), which restarts a process that exits; Ctrl-C stops all.
set -euo pipefail
cd "$(dirname "$0")/.."
deploy/bootstrap.sh
deploy/secrets.sh
. deploy/env.sh
deploy/services-up.sh
deploy/manage.sh migrate
deploy/manage.sh seed-demo
rm -rf "$RF_VAR_DIR/metrics"
mkdir -p "$RF_VAR_DIR"/metrics/{sandbox,auth,tokens,settings,gateway}
# The mail sink's Maildir, all three folders: aiosmtpd makes them only when mail/ is missing, so a
# bare mail/ (as earlier runs left it) would fail every delivery.
mkdir -p "$RF_VAR_DIR"/mail/{new,cur,tmp}
(
  for _ in $(seq 1 120); do
    if curl -fs "$GATEWAY_URL/healthz" >/dev/null 2>&1; then
      cat <<BANNER

  Resultat Finans platform is running.
    Open:            $PUBLIC_BASE_URL/
    Portal log-in:   900232 (or kaisa@jlmdata.se) / demo-resultat-finans   (administrator)
                     olle@jlmdata.se / demo-resultat-finans               (plain user)
    Fortnox sandbox: kaisa@900232 / demo-fortnox-sandbox
    Mails sent:      $RF_VAR_DIR/mail/new/ (one file per mail)
  Ctrl-C stops everything.

BANNER
      exit 0
    fi
    sleep 1
  done
  echo "The gateway did not answer within 120 s; see the log lines above." >&2
) &
exec .venv/bin/python deploy/supervise.py
