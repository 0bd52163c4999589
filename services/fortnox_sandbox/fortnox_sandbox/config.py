"""The Fortnox sandbox's configuration, read from the documented environment variables."""

from servicekit import config as env


def load(environ: dict | None = None) -> dict:
    """No broker: the sandbox stands in for Fortnox and has no part in our event bus."""
    return {
        "SERVICE": "fortnox-sandbox",
        "DATABASE_URL": env.get("FORTNOX_SANDBOX_DATABASE_URL", environ),
        "LOG_LEVEL": env.get("LOG_LEVEL", environ),
        "CLIENT_ID": env.get("FORTNOX_CLIENT_ID", environ),
        # The web app refuses to start without it; the CLI (migrate, seeds) does not need it.
        "CLIENT_SECRET": env.optional("SANDBOX_CLIENT_SECRET", environ),
        "REDIRECT_URIS": env.get("SANDBOX_REDIRECT_URIS", environ).split(),
        "CONTROL_ENABLED": env.get_bool("SANDBOX_CONTROL_ENABLED", environ),
        "DEFAULT_SCOPES": env.get("FORTNOX_SCOPES", environ).split(),
        "VAR_DIR": env.get("RF_VAR_DIR", environ),
    }
