"""The gateway's configuration, read from the documented environment variables."""

from servicekit import config as env


def load(environ: dict | None = None) -> dict:
    return {
        "SERVICE": "gateway",
        "AUTH_URL": env.get("AUTH_URL", environ),
        "TOKENS_URL": env.get("TOKENS_URL", environ),
        "SETTINGS_URL": env.get("SETTINGS_URL", environ),
        "PUBLIC_BASE_URL": env.get("PUBLIC_BASE_URL", environ),
        "AMQP_URL": env.get("AMQP_URL", environ),
        "LOG_LEVEL": env.get("LOG_LEVEL", environ),
    }
