# Sourced by the local-run scripts: secrets from var/secrets.env, then every documented default.
set -a
RF_VAR_DIR=${RF_VAR_DIR:-var}
if [ -f "$RF_VAR_DIR/secrets.env" ]; then
  while IFS="=" read -r key value; do [ -n "${!key:-}" ] || export "$key=$value"; done < "$RF_VAR_DIR/secrets.env"
fi
set +a
eval "$(.venv/bin/python -m servicekit.config)"
