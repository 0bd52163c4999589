"""The settings service's configuration, read from the documented environment variables."""

from servicekit import config as env


def _optional(name: str, environ: dict | None) -> str | None:
    try:
        return env.get(name, environ)
    except RuntimeError:
        return None


def load(environ: dict | None = None) -> dict:
    """The internal key may be missing here (`migrate` needs none); the API insists on it."""
    return {
        "SERVICE": "settings",
        "DATABASE_URL": env.get("SETTINGS_DATABASE_URL", environ),
        "AMQP_URL": env.get("AMQP_URL", environ),
        "EVENTS_EXCHANGE": env.get("EVENTS_EXCHANGE", environ),
        "LOG_LEVEL": env.get("LOG_LEVEL", environ),
        "INTERNAL_API_KEY": _optional("INTERNAL_API_KEY", environ),
        "TOKENS_URL": env.get("TOKENS_URL", environ),
    }


def require(config: dict, *names: str) -> None:
    missing = [name for name in names if not config.get(name)]
    if missing:
        raise RuntimeError(
            f"settings: {', '.join(missing)} not configured; `make run` creates local secrets"
        )
