#!/usr/bin/env bash
# `make test`: the whole test suite against real PostgreSQL, RabbitMQ and headless Chromium.
# With no arguments it runs in two sessions: everything else first, then the `slow` tests (the
# broker outage, the scaled token service, `make run` itself) once the first session's servers
# are gone, so the two never add up against PostgreSQL's 100 connections.
set -euo pipefail
cd "$(dirname "$0")/.."
deploy/bootstrap.sh
deploy/services-up.sh
if [ ! -x /usr/bin/chromium ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
if [ $# -gt 0 ]; then
  exec .venv/bin/pytest "$@"
fi
.venv/bin/pytest -m "not slow"
exec .venv/bin/pytest -m slow
