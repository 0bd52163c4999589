"""Moving a refresh-token connection to a service account (client credentials), without the
customer."""

from tokens.domain.connection import CONNECTED, OAUTH, SERVICE, Connection
from tokens.domain.errors import InvalidRequest
from tokens.domain.model import AuditEntry
from tokens.handlers import Services
from tokens.handlers.renewal import with_retries


def move_to_service_account(svc: Services, org_id: str, *, actor: str) -> dict:
    """Move a refresh-token connection to client credentials, without the customer: Fortnox
    creates the service-account consent itself (with the scopes of the existing token); we
    prove it with one client-credentials call, then stop holding a refresh token at all.

    The refresh token is erased, not revoked: Fortnox does not document whether revoking it
    would end the customer's authorization and the new consent with it, and nobody holds it
    any more, so it lapses unused within 45 days. Nothing changes when the call fails."""
    svc.cache.drop(org_id)
    with svc.store.locked(org_id) as locked:
        connection = locked.load()
        if connection is not None and connection.state == CONNECTED and connection.kind == SERVICE:
            return {"kind": SERVICE, "tenant_id": connection.tenant_id, "moved": False}
        if connection is None or connection.state != CONNECTED or connection.kind != OAUTH:
            raise InvalidRequest("Only a connected OAuth (refresh-token) connection can be moved.")
        tenant_id = _tenant_of(svc, connection)
        grant = with_retries(svc, lambda: svc.fortnox.client_credentials(tenant_id))
        connection.refresh_token = None  # not "replaced": see above, nothing to revoke later
        connection.authorized(grant, SERVICE, tenant_id, svc.clock(), svc.policy, svc.rng)
        detail = {"tenant_id": tenant_id, "from": OAUTH, "refresh_token": "erased"}
        locked.save(connection, audit=AuditEntry(actor, "move_to_service_account", "ok", detail))
    return {"kind": SERVICE, "tenant_id": tenant_id, "moved": True}


def _tenant_of(svc: Services, connection: Connection) -> str:
    tenant = connection.tenant_id or (
        connection.access_token and svc.fortnox.tenant_of(connection.access_token)
    )
    tenant = tenant or (connection.company.database_number if connection.company else None)
    if not tenant:
        raise InvalidRequest("The connection's Fortnox tenant id is unknown; run a check first.")
    return tenant
