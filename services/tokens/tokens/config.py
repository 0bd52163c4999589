"""The tokens service's configuration, read from the documented environment variables."""

from servicekit import config as env


def base(environ: dict | None = None) -> dict:
    """What the tokens relay reads too: database, broker, exchange, log level; it needs no secret."""
    return env.service_base("tokens", "TOKENS_DATABASE_URL", environ)


def load(environ: dict | None = None) -> dict:
    """Secrets may be missing here (the `migrate` command needs none); bootstrap() insists."""
    return {
        **base(environ),
        "ENCRYPTION_KEYS": env.optional("TOKENS_ENCRYPTION_KEYS", environ),
        "FORTNOX_AUTH_URL": env.get("FORTNOX_AUTH_URL", environ),
        "FORTNOX_API_URL": env.get("FORTNOX_API_URL", environ),
        "FORTNOX_CLIENT_ID": env.get("FORTNOX_CLIENT_ID", environ),
        "FORTNOX_CLIENT_SECRET": env.optional("FORTNOX_CLIENT_SECRET", environ),
        "FORTNOX_SCOPES": env.get("FORTNOX_SCOPES", environ),
        "FORTNOX_ACCOUNT_TYPE": env.get("FORTNOX_ACCOUNT_TYPE", environ).strip(),
        "REDIRECT_URI": env.get("PUBLIC_BASE_URL", environ).rstrip("/") + "/fortnox/callback",
        "REFRESH_MARGIN_SECONDS": float(env.get("TOKEN_REFRESH_MARGIN_SECONDS", environ)),
        "KEEPALIVE_DAYS": float(env.get("TOKENS_KEEPALIVE_DAYS", environ)),
        "KEEPALIVE_JITTER_DAYS": float(env.get("TOKENS_KEEPALIVE_JITTER_DAYS", environ)),
        "REFRESH_TOKEN_DAYS": float(env.get("TOKENS_REFRESH_TOKEN_DAYS", environ)),
        "HOT_WINDOW_SECONDS": float(env.get("TOKENS_HOT_WINDOW_SECONDS", environ)),
        "COOLDOWN_SECONDS": float(env.get("TOKENS_COOLDOWN_SECONDS", environ)),
        "RETRY_ATTEMPTS": int(env.get("TOKENS_RETRY_ATTEMPTS", environ)),
        "RETRY_BASE_SECONDS": float(env.get("TOKENS_RETRY_BASE_SECONDS", environ)),
        "LOCK_WAIT_SECONDS": float(env.get("TOKENS_LOCK_WAIT_SECONDS", environ)),
        "FORTNOX_TIMEOUT_SECONDS": float(env.get("TOKENS_FORTNOX_TIMEOUT_SECONDS", environ)),
        "REFRESHER_RATE": float(env.get("TOKENS_REFRESHER_RATE", environ)),
        "REFRESHER_CONCURRENCY": int(env.get("TOKENS_REFRESHER_CONCURRENCY", environ)),
        "REFRESHER_INTERVAL_SECONDS": float(env.get("TOKENS_REFRESHER_INTERVAL_SECONDS", environ)),
        "MIGRATOR_RATE": float(env.get("TOKENS_MIGRATOR_RATE", environ)),
        "MIGRATOR_CONCURRENCY": int(env.get("TOKENS_MIGRATOR_CONCURRENCY", environ)),
        "MIGRATOR_INTERVAL_SECONDS": float(env.get("TOKENS_MIGRATOR_INTERVAL_SECONDS", environ)),
        "HANDOUT_CACHE_SECONDS": float(env.get("TOKENS_HANDOUT_CACHE_SECONDS", environ)),
        "VAR_DIR": env.get("RF_VAR_DIR", environ),
    }
