"""The demo Fortnox account of `make run`: Jlmdata AB (900232), user kaisa@900232.

Idempotent: a second run changes nothing. The demo legacy token is generated once and written
to `$RF_VAR_DIR/demo-legacy-token` (mode 600) for the tokens service's seed; only its hash is
kept here. A new one is made only when that file is gone (the old one is then retired).
"""

import os
from pathlib import Path

import psycopg

from fortnox_sandbox.adapters import tenants
from fortnox_sandbox.handlers import accounts

DEMO_TENANT_ID = 900232
DEMO_USERNAME = "kaisa@900232"
# Documented in README.md: it exists only in the sandbox, never at Fortnox.
DEMO_PASSWORD = "demo-fortnox-sandbox"
LEGACY_TOKEN_FILE = "demo-legacy-token"


def seed(conn: psycopg.Connection, *, client_id: str, scopes: list[str], var_dir: str) -> dict:
    done = {"tenant": False, "user": False, "legacy_token": False}
    if not tenants.get_tenant(conn, DEMO_TENANT_ID):
        accounts.create_tenant(
            conn,
            client_id=client_id,
            scopes=scopes,
            tenant_id=DEMO_TENANT_ID,
            company_name="Jlmdata AB",
            organization_number="559192-5788",
            address="Storgatan 1",
            zip_code="211 22",
            city="Malmö",
            legacy_token=False,
        )
        done["tenant"] = True
    if not tenants.find_user(conn, DEMO_USERNAME):
        accounts.create_user(
            conn,
            DEMO_TENANT_ID,
            username=DEMO_USERNAME,
            password=DEMO_PASSWORD,
            full_name="Kaisa Jönsson",
            system_admin=True,
        )
        done["user"] = True
    done["legacy_token"] = _ensure_legacy_token(conn, client_id, scopes, Path(var_dir))
    return done


def _ensure_legacy_token(conn, client_id: str, scopes: list[str], var_dir: Path) -> bool:
    path = var_dir / LEGACY_TOKEN_FILE
    if path.exists():
        token = path.read_text().strip()
        if tenants.find_legacy_token(conn, token):
            return False
        # The sandbox database was recreated: it learns the token the platform already holds.
        tenants.insert_legacy_token(
            conn, tenant_id=DEMO_TENANT_ID, client_id=client_id, scopes=scopes, token=token
        )
        return True
    for row in tenants.legacy_tokens_of(conn, DEMO_TENANT_ID):
        if row["revoked_at"] is None:
            tenants.kill_legacy_token(conn, row["token_hash"])
    token = tenants.insert_legacy_token(
        conn, tenant_id=DEMO_TENANT_ID, client_id=client_id, scopes=scopes
    )
    _write_secret_file(path, token)
    return True


def _write_secret_file(path: Path, content: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(content + "\n")
    os.chmod(temporary, 0o600)
    os.replace(temporary, path)
