"""The auth service's configuration, read from the documented environment variables."""

from servicekit import callers
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
    # The callers of the internal API; the API refuses to start without each one's credential.
    config["CALLERS"] = callers.read(environ, "GATEWAY_INTERNAL_KEY")
    config["ACTION_SIGNING_KEY"] = env.optional("ACTION_SIGNING_KEY", environ)
    return config
