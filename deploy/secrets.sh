#!/usr/bin/env bash
# Creates $RF_VAR_DIR/secrets.env with random local secrets once; production takes them from its
# secret store.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${RF_VAR_DIR:-var}
mkdir -p "$dir"
if [ ! -f "$dir/secrets.env" ]; then
  umask 077
  .venv/bin/python - > "$dir/secrets.env" <<'PY'
import base64, secrets
client_secret = secrets.token_urlsafe(32)
print(f"INTERNAL_API_KEY={secrets.token_urlsafe(32)}")
print(f"FORTNOX_CLIENT_SECRET={client_secret}")
print(f"SANDBOX_CLIENT_SECRET={client_secret}")
print(f"TOKENS_ENCRYPTION_KEYS=k1:{base64.b64encode(secrets.token_bytes(32)).decode()}")
PY
fi
# Secrets added after a machine's secrets.env was written are appended once, keeping the others.
grep -q '^GATEWAY_SECRET_KEY=' "$dir/secrets.env" ||
  echo "GATEWAY_SECRET_KEY=$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(32))')" >> "$dir/secrets.env"
