#!/usr/bin/env bash
# `make test`: the whole test suite against real PostgreSQL, RabbitMQ and headless Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
deploy/bootstrap.sh
deploy/services-up.sh
if [ ! -x /usr/bin/chromium ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
exec .venv/bin/pytest "$@"
