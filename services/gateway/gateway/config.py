"""The gateway's configuration, read from the documented environment variables."""

from servicekit import callers
from servicekit import config as env

_NAMES = (
    "AUTH_URL",
    "TOKENS_URL",
    "SETTINGS_URL",
    "PUBLIC_BASE_URL",
    "LOG_LEVEL",
    "FORTNOX_AUTH_URL",
    "SESSION_ABSOLUTE_HOURS",
    "GATEWAY_ADMIN_PORT",
)


def load(environ: dict | None = None) -> dict:
    config = {name: env.get(name, environ) for name in _NAMES}
    config["SERVICE"] = "gateway"
    # The gateway's own credential to auth, tokens and settings; no broker credentials.
    config["OWN_KEY"] = callers.read(environ, "GATEWAY_INTERNAL_KEY")["gateway"]
    config["SECRET_KEY"] = env.get("GATEWAY_SECRET_KEY", environ)
    config["COOKIE_SECURE"] = env.get_bool("COOKIE_SECURE", environ)
    config["TRUSTED_PROXIES"] = int(env.get("GATEWAY_TRUSTED_PROXIES", environ))
    return config
