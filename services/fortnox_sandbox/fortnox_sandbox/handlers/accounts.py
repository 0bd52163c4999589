"""Creating Fortnox accounts in the sandbox: tenants, users, legacy tokens; one or in bulk."""

import io
import random
import uuid

import psycopg

from fortnox_sandbox.adapters import tenants
from fortnox_sandbox.domain import rules


def random_organization_number() -> str:
    return rules.organization_number("55" + "".join(random.choices("0123456789", k=7)))


def create_tenant(
    conn: psycopg.Connection,
    *,
    client_id: str,
    scopes: list[str],
    tenant_id: int | None = None,
    company_name: str | None = None,
    organization_number: str | None = None,
    address: str = "Storgatan 1",
    zip_code: str = "211 22",
    city: str = "Malmö",
    users: list[dict] | None = None,
    legacy_token: bool = True,
) -> dict:
    """A tenant with its users and, by default, one legacy token of the client (returned once)."""
    tenant_id = tenant_id or tenants.next_tenant_id(conn)
    tenant = {
        "id": tenant_id,
        "company_name": company_name or f"Testbolag {tenant_id} AB",
        "organization_number": organization_number or random_organization_number(),
        "address": address,
        "zip_code": zip_code,
        "city": city,
        "country_code": "SE",
    }
    tenants.insert_tenant(conn, tenant)
    created_users = [create_user(conn, tenant_id, **spec) for spec in (users or [])]
    token = None
    if legacy_token:
        token = tenants.insert_legacy_token(
            conn, tenant_id=tenant_id, client_id=client_id, scopes=scopes
        )
    return {
        "tenant_id": tenant_id,
        "company_name": tenant["company_name"],
        "organization_number": tenant["organization_number"],
        "users": created_users,
        "legacy_token": token,
    }


def create_user(
    conn: psycopg.Connection,
    tenant_id: int,
    *,
    username: str | None = None,
    password: str,
    full_name: str = "Test Användare",
    system_admin: bool = True,
) -> dict:
    username = (username or f"user{uuid.uuid4().hex[:6]}@{tenant_id}").lower()
    if not username.endswith(f"@{tenant_id}"):
        raise ValueError("a Fortnox user name ends with @<database number>")
    user_id = tenants.insert_user(
        conn,
        tenant_id=tenant_id,
        username=username,
        full_name=full_name,
        password=password,
        system_admin=system_admin,
    )
    return {
        "id": user_id,
        "username": username,
        "full_name": full_name,
        "system_admin": system_admin,
    }


def create_tenants_bulk(
    conn: psycopg.Connection,
    *,
    count: int,
    client_id: str,
    scopes: list[str],
    legacy_tokens: bool = True,
) -> list[tuple[int, str]]:
    """`count` tenants, each with a legacy token, written with COPY; (tenant id, token) pairs."""
    ids = tenants.next_tenant_ids(conn, count)
    tenants.copy_tenants(
        conn,
        (
            (tenant_id, f"Testbolag {tenant_id} AB", random_organization_number())
            + ("Storgatan 1", "211 22", "Malmö")
            for tenant_id in ids
        ),
    )
    if not legacy_tokens:
        return [(tenant_id, "") for tenant_id in ids]
    created = [(tenant_id, tenants.new_legacy_token()) for tenant_id in ids]
    tenants.copy_legacy_tokens(
        conn, ((token, tenant_id, client_id, scopes) for tenant_id, token in created)
    )
    return created


def tokens_csv(pairs: list[tuple[int, str]]) -> str:
    out = io.StringIO()
    out.write("tenant_id,legacy_token\n")
    for tenant_id, token in pairs:
        out.write(f"{tenant_id},{token}\n")
    return out.getvalue()
