#!/usr/bin/env bash
# `make bench`: the customer pages (bench/pages.py) and the token hand-out (bench/handout.py)
# under load from wrk, each next to a bare Flask hello in the same run; prints figures, asserts
# nothing. BENCH_SECONDS sets the length of each measurement (10 by default).
set -euo pipefail
cd "$(dirname "$0")/.."
deploy/bootstrap.sh
deploy/services-up.sh
if ! command -v wrk >/dev/null 2>&1; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
fi
seconds=${BENCH_SECONDS:-10}
.venv/bin/python bench/pages.py --seconds "$seconds"
.venv/bin/python bench/handout.py --seconds "$seconds"
