"""The tokens service's configuration, read from the documented environment variables."""

from servicekit import config as env


def load(environ: dict | None = None) -> dict:
    return {
        "SERVICE": "tokens",
        "DATABASE_URL": env.get("TOKENS_DATABASE_URL", environ),
        "AMQP_URL": env.get("AMQP_URL", environ),
        "EVENTS_EXCHANGE": env.get("EVENTS_EXCHANGE", environ),
        "LOG_LEVEL": env.get("LOG_LEVEL", environ),
    }
