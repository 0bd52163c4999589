"""Every environment variable the platform reads, in one place, with local defaults.

Secrets have no default here: `make run` writes random ones into var/secrets.env for a
developer machine, tests make their own, and production sets them from its secret store.
"""

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Variable:
    name: str
    default: str | None
    help: str
    secret: bool = False


_PG = "postgresql://postgres@127.0.0.1:5432"

VARIABLES = [
    Variable("AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/%2F", "RabbitMQ connection URL"),
    Variable("EVENTS_EXCHANGE", "rf.events", "the durable topic exchange every event goes to"),
    Variable("AUTH_DATABASE_URL", f"{_PG}/rf_auth", "PostgreSQL database of the auth service"),
    Variable(
        "TOKENS_DATABASE_URL", f"{_PG}/rf_tokens", "PostgreSQL database of the tokens service"
    ),
    Variable(
        "SETTINGS_DATABASE_URL", f"{_PG}/rf_settings", "PostgreSQL database of the settings service"
    ),
    Variable(
        "FORTNOX_SANDBOX_DATABASE_URL",
        f"{_PG}/rf_fortnox_sandbox",
        "PostgreSQL database of the Fortnox sandbox (stand-in for Fortnox)",
    ),
    Variable("FORTNOX_AUTH_URL", "http://127.0.0.1:8090", "Fortnox OAuth server (apps.fortnox.se)"),
    Variable("FORTNOX_API_URL", "http://127.0.0.1:8090", "Fortnox REST API (api.fortnox.se)"),
    Variable("FORTNOX_CLIENT_ID", "rf-local-client", "our integration's Fortnox client id"),
    Variable("FORTNOX_CLIENT_SECRET", None, "our integration's Fortnox client secret", True),
    Variable(
        "FORTNOX_SCOPES", "companyinformation settings", "space-separated Fortnox scopes we ask for"
    ),
    Variable("PUBLIC_BASE_URL", "http://127.0.0.1:8080", "the gateway's external URL"),
    Variable("GATEWAY_URL", "http://127.0.0.1:8080", "internal URL of the gateway"),
    Variable("AUTH_URL", "http://127.0.0.1:8081", "internal URL of the auth service"),
    Variable("TOKENS_URL", "http://127.0.0.1:8082", "internal URL of the tokens service"),
    Variable("SETTINGS_URL", "http://127.0.0.1:8083", "internal URL of the settings service"),
    Variable("GATEWAY_PORT", "8080", "port of the gateway"),
    Variable(
        "GATEWAY_ADMIN_PORT",
        "9080",
        "the gateway's port for /metrics and /readyz (404 on its public port); never published",
    ),
    Variable("AUTH_PORT", "8081", "port of the auth service"),
    Variable("TOKENS_PORT", "8082", "port of the tokens service"),
    Variable("SETTINGS_PORT", "8083", "port of the settings service"),
    Variable("FORTNOX_SANDBOX_PORT", "8090", "port of the Fortnox sandbox"),
    # One credential per caller of the internal APIs (servicekit.callers): the caller presents
    # it, the services it may call check it against their allow-lists.
    Variable(
        "GATEWAY_INTERNAL_KEY", None, "the gateway's credential to auth, tokens and settings", True
    ),
    Variable("SETTINGS_INTERNAL_KEY", None, "the settings service's credential to tokens", True),
    Variable(
        "RESULTAT_FINANS_INTERNAL_KEY",
        None,
        "the Resultat Finans backend's credential to tokens: the only one that gets access tokens",
        True,
    ),
    Variable(
        "OPERATOR_INTERNAL_KEY",
        None,
        "operators' credential to tokens (audit trail) and settings (company rebuild)",
        True,
    ),
    # Who starts an action through the gateway, as auth vouches for it (servicekit.assertions).
    Variable(
        "ACTION_SIGNING_KEY",
        None,
        "auth's Ed25519 key that signs who starts an action (base64 of 32 bytes)",
        True,
    ),
    Variable(
        "ACTION_VERIFY_KEYS",
        None,
        "auth's public key(s) tokens and settings check those with (base64; `new,old` while"
        " rotating)",
        True,
    ),
    Variable("SANDBOX_CONTROL_ENABLED", "false", "enable the sandbox's fault-injection API"),
    Variable("SANDBOX_CLIENT_SECRET", None, "client secret the sandbox accepts", True),
    Variable(
        "SANDBOX_REDIRECT_URIS",
        "http://127.0.0.1:8080/fortnox/callback",
        "space-separated redirect URIs the sandbox accepts for our client",
    ),
    Variable(
        "TOKENS_ENCRYPTION_KEYS",
        None,
        "token encryption keys, `kid:base64key` comma-separated, the first encrypts",
        True,
    ),
    Variable("TOKEN_REFRESH_MARGIN_SECONDS", "300", "refresh an access token this close to expiry"),
    Variable("FORTNOX_ACCOUNT_TYPE", "", "`service` to connect with Fortnox service accounts"),
    Variable(
        "TOKENS_KEEPALIVE_DAYS",
        "17",
        "renew an idle connection's refresh token this many days after issue (plus up to"
        " TOKENS_KEEPALIVE_JITTER_DAYS), well within Fortnox's shortest documented life",
    ),
    Variable(
        "TOKENS_KEEPALIVE_JITTER_DAYS",
        "3",
        "random spread added to TOKENS_KEEPALIVE_DAYS so renewals do not bunch up",
    ),
    Variable(
        "TOKENS_REFRESH_TOKEN_DAYS",
        "31",
        "life of a Fortnox refresh token to plan for (Fortnox's pages say 31 and 45 days: the"
        " shorter); the service refuses to start unless keep-alive + jitter leave 7 days of it",
    ),
    Variable(
        "TOKENS_HOT_WINDOW_SECONDS",
        "3600",
        "a connection handed out within this window is kept fresh by the refresher",
    ),
    Variable(
        "TOKENS_COOLDOWN_SECONDS",
        "30",
        "first cool-down after a temporary failure: doubles up to 15 min, equal jitter (between"
        " half and all of that), never shorter than Fortnox's `Retry-After`",
    ),
    Variable("TOKENS_RETRY_ATTEMPTS", "3", "attempts of one token call on temporary failures"),
    Variable(
        "TOKENS_RETRY_BASE_SECONDS",
        "0.5",
        "pause after the first of those attempts: doubles up to 5 s, equal jitter",
    ),
    Variable(
        "TOKENS_LOCK_WAIT_SECONDS", "20", "longest wait for another process's renewal of a token"
    ),
    Variable("TOKENS_FORTNOX_TIMEOUT_SECONDS", "10", "time-out of one call to Fortnox"),
    Variable(
        "TOKENS_HANDOUT_CACHE_SECONDS",
        "1",
        "a web process re-hands a token it just read for this long (0: off); a disconnect in"
        " another process is seen that much later",
    ),
    Variable("TOKENS_REFRESHER_RATE", "10", "token renewals per second per refresher replica"),
    Variable("TOKENS_REFRESHER_CONCURRENCY", "4", "parallel renewals per refresher replica"),
    Variable("TOKENS_REFRESHER_INTERVAL_SECONDS", "5", "pause of the refresher when idle"),
    Variable("TOKENS_MIGRATOR_RATE", "2", "legacy migrations per second per migrator replica"),
    Variable("TOKENS_MIGRATOR_CONCURRENCY", "2", "parallel migrations per migrator replica"),
    Variable("TOKENS_MIGRATOR_INTERVAL_SECONDS", "60", "pause of the migrator when idle"),
    Variable("SMTP_HOST", "127.0.0.1", "SMTP server for outgoing mail"),
    Variable("SMTP_PORT", "8025", "SMTP port (the local run starts a mail sink there)"),
    Variable("MAIL_FROM", "JIM Appar <no-reply@jimappar.se>", "sender of outgoing mail"),
    Variable("SESSION_IDLE_MINUTES", "30", "a session ends after this long unused"),
    Variable("SESSION_ABSOLUTE_HOURS", "12", "a session ends this long after log-in"),
    Variable(
        "COOKIE_SECURE", "false", "Secure and __Host- cookies; true whenever served over https"
    ),
    Variable("GATEWAY_SECRET_KEY", None, "signs the gateway's CSRF cookie", True),
    Variable(
        "GATEWAY_TRUSTED_PROXIES",
        "0",
        "proxies in front of the gateway whose X-Forwarded-For is trusted (0: use the peer)",
    ),
    Variable("ARGON2_MEMORY_KIB", "19456", "argon2id memory per password hash, KiB (>= 19456)"),
    Variable("ARGON2_TIME_COST", "2", "argon2id iterations per password hash (>= 2)"),
    Variable("ARGON2_PARALLELISM", "1", "argon2id lanes per password hash"),
    Variable("PASSWORD_RESET_MINUTES", "30", "a password-reset link works this long"),
    Variable("VERIFICATION_HOURS", "48", "an e-mail verification link works this long"),
    Variable("INVITATION_HOURS", "72", "an invitation is pending, and its link works, this long"),
    Variable("CONSUMER_PREFETCH", "20", "unacknowledged messages a consumer holds at most"),
    Variable("CONSUMER_MAX_DELIVERIES", "5", "deliveries of one message before dead-lettering"),
    Variable("RELAY_BATCH_SIZE", "200", "outbox rows a relay sends per transaction at most"),
    Variable(
        "RELAY_POLL_SECONDS", "1", "a relay looks for pending rows at least this often (seconds)"
    ),
    Variable("OUTBOX_RETENTION_DAYS", "7", "sent outbox rows are deleted after this many days"),
    Variable(
        "RF_VAR_DIR", "var", "folder of the local run's state: secrets, mail, metrics, demo files"
    ),
    Variable("LOG_LEVEL", "INFO", "log level of every process"),
    # Scaling: gunicorn workers per web process; copies of each worker process, which
    # deploy/supervise.py hands to supervisord (numprocs) and Compose to deploy.replicas. Kubernetes
    # scales both by its autoscalers instead (deploy/k8s).
    *(
        Variable(f"{name}_WEB_WORKERS", "2", f"gunicorn workers in each {name.lower()} web process")
        for name in ("SANDBOX", "AUTH", "TOKENS", "SETTINGS", "GATEWAY")
    ),
    *(
        Variable(f"{name}_REPLICAS", "1", f"copies of the {what} (local run, Compose)")
        for name, what in (
            ("AUTH_RELAY", "auth outbox relay"),
            ("AUTH_MAIL", "auth mail worker (sends the mail outbox over SMTP)"),
            ("AUTH_NOTICES", "auth connection-notice worker (mails administrators about Fortnox)"),
            ("TOKENS_RELAY", "tokens outbox relay"),
            ("SETTINGS_RELAY", "settings outbox relay"),
            ("TOKENS_REFRESHER", "token refresher"),
            ("TOKENS_MIGRATOR", "legacy-token migrator"),
            ("SETTINGS_CONSUMER", "settings event consumer"),
        )
    ),
]

_BY_NAME = {v.name: v for v in VARIABLES}


def get(name: str, environ: dict | None = None) -> str:
    """The value of a documented variable; a secret without a value is a clear error."""
    variable = _BY_NAME[name]
    value = (environ if environ is not None else os.environ).get(name, variable.default)
    if value is None:
        raise RuntimeError(f"{name} is not set ({variable.help}); `make run` creates one locally")
    return value


def get_bool(name: str, environ: dict | None = None) -> bool:
    return get(name, environ).strip().lower() in {"1", "true", "yes", "on"}


def optional(name: str, environ: dict | None = None) -> str | None:
    """The value of a documented variable, or None for a secret that is not set."""
    try:
        return get(name, environ)
    except RuntimeError:
        return None


def service_base(service: str, database_variable: str, environ: dict | None = None) -> dict:
    """What the config of every service with a database and events starts from; its load()
    adds its own keys. Nothing here is a secret: what serves or calls an internal API reads its
    callers' credentials itself (servicekit.callers)."""
    return {
        "SERVICE": service,
        "DATABASE_URL": get(database_variable, environ),
        "AMQP_URL": get("AMQP_URL", environ),
        "EVENTS_EXCHANGE": get("EVENTS_EXCHANGE", environ),
        "LOG_LEVEL": get("LOG_LEVEL", environ),
    }


def require(config: dict, *names: str) -> None:
    """Refuse to start without these keys of a service's config (secrets, mostly)."""
    missing = [name for name in names if not config.get(name)]
    if missing:
        raise RuntimeError(
            f"{config['SERVICE']}: {', '.join(missing)} not configured;"
            " `make run` creates local secrets"
        )


def snapshot(environ: dict | None = None) -> dict:
    """All variables with values, for a service's create_app(config); secrets may be missing."""
    source = environ if environ is not None else os.environ
    return {v.name: source.get(v.name, v.default) for v in VARIABLES}


def reference_markdown() -> str:
    rows = ["| variable | default | meaning |", "|---|---|---|"]
    for v in VARIABLES:
        default = "(secret, no default)" if v.secret else f"`{v.default}`"
        rows.append(f"| `{v.name}` | {default} | {v.help} |")
    return "\n".join(rows)


def shell_defaults() -> str:
    """`export NAME=${NAME:-default}` lines for the local run's shell scripts."""
    lines = []
    for v in VARIABLES:
        if v.default is not None:
            lines.append(f'export {v.name}="${{{v.name}:-{v.default}}}"')
    return "\n".join(lines)


if __name__ == "__main__":
    from servicekit.config_command import main

    main(prog_name="python -m servicekit.config")
