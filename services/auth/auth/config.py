"""The auth service's configuration, read from the documented environment variables."""

from servicekit import config as env

_NAMES = (
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


def base(environ: dict | None = None) -> dict:
    """What the auth relay reads too: database, broker, exchange, log level; it needs no secret."""
    return env.service_base("auth", "AUTH_DATABASE_URL", environ)


def load(environ: dict | None = None) -> dict:
    config = base(environ)
    config.update((name, env.get(name, environ)) for name in _NAMES)
    # Every auth process, its CLI too, insists on the internal key.
    config["INTERNAL_API_KEY"] = env.get("INTERNAL_API_KEY", environ)
    return config
