# Sourced by the local-run scripts: secrets from $RF_VAR_DIR/secrets.env (values already in the
# environment win), then every documented default from servicekit.config.
export RF_VAR_DIR=${RF_VAR_DIR:-var}
if [ -f "$RF_VAR_DIR/secrets.env" ]; then
  while IFS="=" read -r key value; do
    [ -n "${!key:-}" ] || export "$key=$value"
  done < "$RF_VAR_DIR/secrets.env"
fi
eval "$(.venv/bin/python -m servicekit.config)"
