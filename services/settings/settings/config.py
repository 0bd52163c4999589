"""The settings service's configuration, read from the documented environment variables."""

from servicekit import config as env


def base(environ: dict | None = None) -> dict:
    """What the settings relay reads too: database, broker, exchange, log level; it needs no secret."""
    return env.service_base("settings", "SETTINGS_DATABASE_URL", environ)


def load(environ: dict | None = None) -> dict:
    """The internal key may be missing here (`migrate` needs none); the API insists on it."""
    return {**base(environ), "TOKENS_URL": env.get("TOKENS_URL", environ)}
