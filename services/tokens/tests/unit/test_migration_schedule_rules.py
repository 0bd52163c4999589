"""When a legacy connection may be migrated without its customer: only once an operator's
schedule has come due, and never after it stopped being a connected legacy connection."""

from datetime import UTC, datetime, timedelta

from tokens.domain.connection import Connection, Policy
from tokens.domain.model import Grant

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def _legacy(**fields) -> Connection:
    return Connection(**({"org_id": "o", "kind": "legacy", "legacy_token": "l"} | fields))


def test_a_legacy_connection_is_due_only_once_its_scheduled_time_has_come():
    assert not _legacy().migration_due(NOW)
    assert not _legacy(migration_not_before=NOW + timedelta(seconds=1)).migration_due(NOW)
    assert _legacy(migration_not_before=NOW).migration_due(NOW)


def test_only_connected_legacy_connections_can_be_scheduled_and_each_refusal_says_why():
    assert _legacy().migration_refusal() is None
    oauth = Connection("o", "oauth", access_token="a", refresh_token="r")
    assert "already uses OAuth" in oauth.migration_refusal()
    lost = _legacy(state="needs_reauthorization", reauthorization_reason="migration refused")
    assert (
        "Ny Token" in lost.migration_refusal() and "migration refused" in lost.migration_refusal()
    )
    assert "disconnected" in _legacy(state="revoked", legacy_token=None).migration_refusal()
    scheduled_but_gone = _legacy(migration_not_before=NOW, state="needs_reauthorization")
    assert not scheduled_but_gone.migration_due(NOW)


def test_an_authorization_or_a_lost_connection_ends_the_schedule():
    upgraded = _legacy(migration_not_before=NOW)
    upgraded.authorized(Grant("a", 3600, refresh_token="r"), "oauth", None, NOW, Policy())
    assert upgraded.migration_not_before is None
    refused = _legacy(migration_not_before=NOW)
    refused.require_reauthorization("refused", NOW)
    assert refused.migration_not_before is None
