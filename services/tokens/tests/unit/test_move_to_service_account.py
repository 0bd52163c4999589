"""Moving to a service account, with fakes: what is kept, what is erased, what is refused."""

from datetime import timedelta

import pytest
from tokens.domain.connection import Connection
from tokens.domain.errors import InvalidRequest
from tokens.domain.model import Company
from tokens.handlers.service_account import move_to_service_account


def _oauth(svc, **fields):
    connection = Connection(
        org_id="org",
        kind="oauth",
        access_token="access-0",
        refresh_token="refresh-0",
        access_expires_at=svc.clock() + timedelta(minutes=30),
        company=Company("Bolaget AB", "556677-8899", "900232"),
        **fields,
    )
    with svc.store.locked("org") as locked:
        locked.save(connection)


def test_the_move_erases_the_refresh_token_but_keeps_an_earlier_pending_revocation(fake_svc):
    _oauth(fake_svc, revoke_pending_token="legacy-1", revoke_pending_hint="access_token")
    result = move_to_service_account(fake_svc, "org", actor="test")
    assert result == {"kind": "service", "tenant_id": "900232", "moved": True}
    assert fake_svc.fortnox.calls == [("client_credentials", "900232")]
    moved = fake_svc.store.peek("org")
    assert moved.kind == "service" and moved.refresh_token is None
    assert moved.keepalive_at is None and moved.access_token == "access-1"
    assert (moved.revoke_pending_token, moved.revoke_pending_hint) == ("legacy-1", "access_token")


def test_a_connection_without_a_known_tenant_is_refused_before_asking_fortnox(fake_svc):
    _oauth(fake_svc)
    connection = fake_svc.store.peek("org")
    connection.company = None
    with fake_svc.store.locked("org") as locked:
        locked.save(connection)
    with pytest.raises(InvalidRequest, match="tenant id is unknown"):
        move_to_service_account(fake_svc, "org", actor="test")
    assert fake_svc.fortnox.calls == []


@pytest.mark.parametrize("state", ["needs_reauthorization", "revoked"])
def test_a_connection_that_is_not_connected_is_not_moved(fake_svc, state):
    _oauth(fake_svc, state=state)
    with pytest.raises(InvalidRequest):
        move_to_service_account(fake_svc, "org", actor="test")
    assert fake_svc.store.peek("org").kind == "oauth" and fake_svc.fortnox.calls == []
