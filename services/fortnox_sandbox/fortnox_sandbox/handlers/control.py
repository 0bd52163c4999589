"""Use cases of the test-control API: faults, tenants and their tokens, counters, consents.

Each takes the sandbox and what the entrypoint's schema loaded; refusals are ControlRefused.
"""

import psycopg
from servicekit.db import transaction

from fortnox_sandbox.adapters import control, grants, tenants
from fortnox_sandbox.bootstrap import Sandbox
from fortnox_sandbox.domain.control import (
    Conflict,
    InvalidAccount,
    UnknownTenant,
    counter_totals,
)
from fortnox_sandbox.handlers import accounts


def known_tenant(conn: psycopg.Connection, tenant_id: int) -> dict:
    tenant = tenants.get_tenant(conn, tenant_id)
    if not tenant:
        raise UnknownTenant(tenant_id)
    return tenant


def add_fault(sandbox: Sandbox, fault: dict) -> int:
    with transaction(sandbox.pool) as conn:
        return control.insert_fault(conn, **fault)


def pending_faults(sandbox: Sandbox) -> list[dict]:
    with transaction(sandbox.pool) as conn:
        return control.pending_faults(conn)


def clear_faults(sandbox: Sandbox) -> None:
    with transaction(sandbox.pool) as conn:
        control.clear_faults(conn)


def create_tenant(sandbox: Sandbox, spec: dict) -> dict:
    tenant_id = spec.get("tenant_id")
    with transaction(sandbox.pool) as conn:
        if tenant_id and tenants.get_tenant(conn, tenant_id):
            raise Conflict("That tenant exists already.")
        try:
            return accounts.create_tenant(
                conn,
                client_id=sandbox.client.client_id,
                scopes=spec.get("scopes") or sandbox.client.default_scopes,
                tenant_id=tenant_id,
                users=spec["users"],
                legacy_token=bool(spec["legacy_token"]),
                **spec["company"],
            )
        except ValueError as exc:
            raise InvalidAccount(str(exc)) from exc


def create_tenants_bulk(sandbox: Sandbox, count: int, legacy_tokens) -> list[tuple[int, str]]:
    with transaction(sandbox.pool) as conn:
        return accounts.create_tenants_bulk(
            conn,
            count=count,
            client_id=sandbox.client.client_id,
            scopes=sandbox.client.default_scopes,
            legacy_tokens=bool(legacy_tokens),
        )


def create_user(sandbox: Sandbox, tenant_id: int, spec: dict) -> dict:
    with transaction(sandbox.pool) as conn:
        known_tenant(conn, tenant_id)
        try:
            return accounts.create_user(
                conn,
                tenant_id,
                username=spec.get("username"),
                password=spec["password"],
                full_name=spec.get("full_name") or "Test Användare",
                system_admin=bool(spec["system_admin"]),
            )
        except ValueError as exc:
            raise InvalidAccount(str(exc)) from exc


def create_legacy_token(sandbox: Sandbox, tenant_id: int, spec: dict) -> str:
    with transaction(sandbox.pool) as conn:
        known_tenant(conn, tenant_id)
        return tenants.insert_legacy_token(
            conn,
            tenant_id=tenant_id,
            client_id=spec.get("client_id") or sandbox.client.client_id,
            scopes=spec.get("scopes") or sandbox.client.default_scopes,
        )


def expire_tokens(sandbox: Sandbox, tenant_id: int) -> int:
    with transaction(sandbox.pool) as conn:
        known_tenant(conn, tenant_id)
        return control.expire_access_tokens(conn, tenant_id)


def set_flags(sandbox: Sandbox, tenant_id: int, flags: dict) -> dict:
    with transaction(sandbox.pool) as conn:
        known_tenant(conn, tenant_id)
        tenants.set_flags(conn, tenant_id, flags)
        return tenants.get_tenant(conn, tenant_id)


def age(sandbox: Sandbox, tenant_id: int, seconds: float) -> None:
    with transaction(sandbox.pool) as conn:
        known_tenant(conn, tenant_id)
        control.age_tenant(conn, tenant_id, seconds)


def tenant_state(sandbox: Sandbox, tenant_id: int) -> dict:
    """The tenant, its legacy tokens (live, dead), its consent and its live OAuth tokens."""
    with transaction(sandbox.pool) as conn:
        tenant = known_tenant(conn, tenant_id)
        legacy = tenants.legacy_tokens_of(conn, tenant_id)
        consent = grants.active_consent(conn, sandbox.client.client_id, tenant_id)
        live = control.live_token_counts(conn, tenant_id)
    return {
        "tenant_id": tenant_id,
        "company_name": tenant["company_name"],
        "organization_number": tenant["organization_number"],
        "licensed": tenant["licensed"],
        "migrate_fails": tenant["migrate_fails"],
        "legacy_tokens": {
            "live": sum(r["revoked_at"] is None for r in legacy),
            "dead": sum(r["revoked_at"] is not None for r in legacy),
        },
        "consent_active": consent is not None,
        "live_refresh_tokens": live["refresh_tokens"],
        "live_access_tokens": live["access_tokens"],
    }


def counters(sandbox: Sandbox, tenant_id: int | None) -> dict:
    with transaction(sandbox.pool) as conn:
        return counter_totals(control.read_counters(conn, tenant_id))


def reset_counters(sandbox: Sandbox) -> None:
    with transaction(sandbox.pool) as conn:
        control.reset_counters(conn)


def add_redirect_uri(sandbox: Sandbox, uri: str) -> None:
    with transaction(sandbox.pool) as conn:
        control.add_redirect_uri(conn, uri)


def revoke_consent(sandbox: Sandbox, tenant_id: int) -> None:
    """The customer withdraws the integration."""
    with transaction(sandbox.pool) as conn:
        known_tenant(conn, tenant_id)
        control.revoke_tenant_consent(conn, sandbox.client.client_id, tenant_id)


def move_to_service_account(sandbox: Sandbox, tenant_id: int) -> tuple[dict, bool]:
    """Fortnox "automatically creates and stores a customer consent that matches the scopes you
    currently have for the existing token"; the refresh token keeps working until used up.
    (consent, whether it was created now)."""
    with transaction(sandbox.pool) as conn:
        known_tenant(conn, tenant_id)
        consent, created = control.consent_from_refresh_grant(
            conn, sandbox.client.client_id, tenant_id
        )
    if consent is None:
        raise Conflict(f"Tenant {tenant_id} has no live refresh token of the client to move.")
    return consent, created
