# Sourced by the local-run scripts: secrets from $RF_VAR_DIR/secrets.env (values already in the
# environment win), then every documented default from servicekit.config.
export RF_VAR_DIR=${RF_VAR_DIR:-var}
if [ -f "$RF_VAR_DIR/secrets.env" ]; then
  # Split at the first "=" only: base64 values end in "=" padding that `read` would drop.
  while IFS= read -r line; do
    [ -n "$line" ] || continue
    key=${line%%=*}
    [ -n "${!key:-}" ] || export "$key=${line#*=}"
  done < "$RF_VAR_DIR/secrets.env"
fi
eval "$(.venv/bin/python -m servicekit.config --exports)"
