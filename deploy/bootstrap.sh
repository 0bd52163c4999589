#!/usr/bin/env bash
# Installs everything the project needs into .venv: pinned dependencies and our own packages.
# Re-runs only when requirements.txt or a pyproject.toml changed.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
packages=(libs/common services/auth services/tokens services/settings services/gateway services/fortnox_sandbox tools/rfadmin)
# Developers' tools: installed where the checkout has them, left out of the image (`make chaos`
# starts servers of its own, which a production image never does).
for tool in tools/chaos; do [ -d "$tool" ] && packages+=("$tool"); done
stamp=.venv/.installed
want=$(cat requirements.txt "${packages[@]/%//pyproject.toml}" | sha256sum | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then exit 0; fi
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -r requirements.txt
editable=()
for p in "${packages[@]}"; do editable+=(-e "$p"); done
.venv/bin/python -m pip install --quiet --no-deps "${editable[@]}"
echo "$want" > "$stamp"
