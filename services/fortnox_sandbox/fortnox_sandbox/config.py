"""The fortnox_sandbox service's configuration, read from the documented environment variables."""

from servicekit import config as env


def load(environ: dict | None = None) -> dict:
    return {
        "SERVICE": "fortnox-sandbox",
        "DATABASE_URL": env.get("FORTNOX_SANDBOX_DATABASE_URL", environ),
        "AMQP_URL": env.get("AMQP_URL", environ),
        "EVENTS_EXCHANGE": env.get("EVENTS_EXCHANGE", environ),
        "LOG_LEVEL": env.get("LOG_LEVEL", environ),
    }
