#!/usr/bin/env bash
# Creates var/secrets.env with random local secrets once; production takes them from its secret store.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p var
if [ ! -f var/secrets.env ]; then
  umask 077
  .venv/bin/python - > var/secrets.env <<'PY'
import base64, secrets
client_secret = secrets.token_urlsafe(32)
print(f"INTERNAL_API_KEY={secrets.token_urlsafe(32)}")
print(f"FORTNOX_CLIENT_SECRET={client_secret}")
print(f"SANDBOX_CLIENT_SECRET={client_secret}")
print(f"TOKENS_ENCRYPTION_KEYS=k1:{base64.b64encode(secrets.token_bytes(32)).decode()}")
PY
fi
