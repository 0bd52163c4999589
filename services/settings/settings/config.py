"""The settings service's configuration, read from the documented environment variables."""

from servicekit import callers
from servicekit import config as env


def base(environ: dict | None = None) -> dict:
    """What the settings relay reads too: database, broker, exchange, log level; it needs no secret."""
    return env.service_base("settings", "SETTINGS_DATABASE_URL", environ)


def load(environ: dict | None = None) -> dict:
    """Credentials may be missing here (`migrate` needs none); the API insists on them."""
    return {
        **base(environ),
        "TOKENS_URL": env.get("TOKENS_URL", environ),
        # Who may call the internal API, and settings' own credential to tokens and auth.
        "CALLERS": callers.read(environ, "GATEWAY_INTERNAL_KEY", "OPERATOR_INTERNAL_KEY"),
        "OWN_KEY": callers.read(environ, "SETTINGS_INTERNAL_KEY")["settings"],
        # auth's public key: who starts an action (servicekit.assertions)
        "ACTION_VERIFY_KEYS": env.optional("ACTION_VERIFY_KEYS", environ),
    }
