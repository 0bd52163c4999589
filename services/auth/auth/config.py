"""The auth service's configuration, read from the documented environment variables."""

from servicekit import config as env

_NAMES = (
    "AMQP_URL",
    "EVENTS_EXCHANGE",
    "LOG_LEVEL",
    "PUBLIC_BASE_URL",
    "SMTP_HOST",
    "SMTP_PORT",
    "MAIL_FROM",
    "SESSION_IDLE_MINUTES",
    "SESSION_ABSOLUTE_HOURS",
    "ARGON2_MEMORY_KIB",
    "ARGON2_TIME_COST",
    "ARGON2_PARALLELISM",
    "PASSWORD_RESET_MINUTES",
    "VERIFICATION_HOURS",
    "INVITATION_HOURS",
)


def load(environ: dict | None = None) -> dict:
    config = {name: env.get(name, environ) for name in _NAMES}
    config["SERVICE"] = "auth"
    config["DATABASE_URL"] = env.get("AUTH_DATABASE_URL", environ)
    config["INTERNAL_API_KEY"] = env.get("INTERNAL_API_KEY", environ)
    return config
