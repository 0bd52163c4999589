#!/usr/bin/env bash
# Creates $RF_VAR_DIR/secrets.env with random local secrets once (and adds any secret introduced
# since, keeping the others); production takes them from its secret store. Then cuts it per
# service into $RF_VAR_DIR/secrets/ for Compose, where each container gets only its own.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${RF_VAR_DIR:-var}
mkdir -p "$dir"
umask 077
touch "$dir/secrets.env"
.venv/bin/python - "$dir/secrets.env" <<'PY'
import base64, secrets, sys

from servicekit.assertions import new_key_pair, public_of
from servicekit.callers import VARIABLES as CALLER_KEYS

path = sys.argv[1]
with open(path) as f:
    have = dict(line.rstrip("\n").split("=", 1) for line in f if "=" in line)
signing = have.get("ACTION_SIGNING_KEY") or new_key_pair()[0]
client_secret = secrets.token_urlsafe(32)
new = {
    "FORTNOX_CLIENT_SECRET": client_secret,
    "SANDBOX_CLIENT_SECRET": client_secret,
    "TOKENS_ENCRYPTION_KEYS": f"k1:{base64.b64encode(secrets.token_bytes(32)).decode()}",
    "GATEWAY_SECRET_KEY": secrets.token_urlsafe(32),
}
# One credential per caller of the internal APIs (servicekit.callers).
new.update({name: secrets.token_urlsafe(32) for name in CALLER_KEYS.values()})
# auth signs who starts an action; tokens and settings check with its public key
new |= {"ACTION_SIGNING_KEY": signing, "ACTION_VERIFY_KEYS": public_of(signing)}
if "FORTNOX_CLIENT_SECRET" in have:  # the sandbox must keep accepting our client's secret
    new.pop("SANDBOX_CLIENT_SECRET")
with open(path, "a") as f:
    for name, value in new.items():
        if name not in have:
            print(f"{name}={value}", file=f)
PY
.venv/bin/python deploy/generate.py --split-secrets "$dir"
