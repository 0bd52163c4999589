"""Whether a connection needs its customer, the events that say so, and what the customer's
Händelser show of the audit trail: rules without I/O."""

from datetime import UTC, datetime, timedelta

from tokens.domain import events, history
from tokens.domain.connection import Connection, Policy
from tokens.domain.model import Grant

NOW = datetime(2026, 11, 30, 13, 5, tzinfo=UTC)


def _oauth(**fields) -> Connection:
    return Connection(**({"org_id": "o", "kind": "oauth", "refresh_token": "r"} | fields))


def test_a_working_connection_and_one_the_customer_disconnected_need_nothing():
    assert _oauth().attention is None
    assert _oauth(state="revoked", refresh_token=None).attention is None


def test_refused_grants_refused_migrations_and_legacy_tokens_need_the_customer():
    refused = _oauth()
    refused.require_reauthorization("Fortnox no longer accepts the grant", NOW)
    assert refused.attention == "reauthorization"
    assert refused.attention_detail == "Fortnox no longer accepts the grant"
    legacy = Connection("o", "legacy", legacy_token="l")
    assert legacy.attention == "legacy" and legacy.attention_detail is None
    legacy.migration_state = "failed"
    legacy.require_reauthorization("migration refused", NOW)
    assert legacy.attention == "migration_refused"


def test_attention_events_say_when_the_need_starts_changes_and_ends():
    connection = Connection("o", "legacy", legacy_token="l")
    [needed] = events.attention_changed(connection, None)
    assert needed.type == "token.attention_needed"
    assert needed.data == {
        "reason": "legacy",
        "reason_code": None,
        "kind": "legacy",
        "detail": None,
    }
    assert events.attention_changed(connection, "legacy") == []
    connection.migration_state = "failed"
    connection.require_reauthorization("refused", NOW, "migration_refused")
    [changed] = events.attention_changed(connection, "legacy")
    assert changed.data["reason"] == "migration_refused" and changed.data["detail"] == "refused"
    assert changed.data["reason_code"] == "migration_refused"
    connection.authorized(Grant("a", 3600, "", "r2"), "oauth", None, NOW, Policy())
    [cleared] = events.attention_changed(connection, "migration_refused")
    assert cleared.type == "token.attention_cleared"
    assert cleared.data == {"kind": "oauth", "previous_reason": "migration_refused"}


def _row(minutes: int, action: str, outcome: str) -> dict:
    return {"at": NOW - timedelta(minutes=minutes), "action": action, "outcome": outcome}


def test_history_names_each_step_and_why_a_failure_failed():
    rows = [
        _row(1, "refresh", "needs_reauthorization"),
        _row(2, "revoke_replaced", "ok"),
        _row(3, "connect", "state_expired"),
        _row(4, "connect_started", "ok"),
        _row(5, "check", "ok"),
        _row(6, "refresh", "ok"),
        _row(7, "connect", "upgraded"),
        _row(8, "import_legacy", "ok"),
    ]
    shown = [(e.event, e.cause) for e in history.history(rows, 20)]
    assert shown == [
        ("failed", "grant_refused"),
        ("failed", "link_invalid"),
        ("checked", None),
        ("renewed", None),
        ("upgraded", None),
        ("connected", None),
    ]


def test_history_keeps_the_newest_entries_up_to_the_limit():
    rows = [_row(minute, "refresh", "ok") for minute in range(30)]
    shown = history.history(rows, 20)
    assert len(shown) == 20 and shown[0].at == NOW


def test_a_failure_with_a_reason_code_names_it_as_its_cause():
    row = _row(1, "check", "rejected") | {"detail": {"reason_code": "consent_withdrawn"}}
    [entry] = history.history([row], 20)
    assert (entry.event, entry.cause) == ("failed", "consent_withdrawn")
    ok = _row(1, "refresh", "ok") | {"detail": {"reason_code": "ignored"}}
    assert history.history([ok], 20)[0].cause is None


def test_every_shown_action_and_disconnect_is_read_from_the_trail():
    assert {"disconnect", "refresh", "check", "connect", "migrate"} <= set(history.SHOWN_ACTIONS)
    assert "connect_started" not in history.SHOWN_ACTIONS
    assert history.entry_of(NOW, "disconnect", "ok").event == "disconnected"
