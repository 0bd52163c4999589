"""Invitations and the log-in penalty: pure rules, no I/O."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from auth.domain.errors import Conflict
from auth.domain.invitations import Invitation, check_move
from auth.domain.throttle import LOGIN_ACCOUNT, next_allowed

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
PENDING = Invitation(
    id="i-1",
    org_id="org-1",
    email="ny@jlmdata.se",
    name="Ny",
    created_at=NOW,
    expires_at=NOW + timedelta(hours=72),
)


def test_an_invitation_is_pending_until_it_expires_or_ends():
    assert PENDING.pending(NOW + timedelta(hours=71))
    assert not PENDING.pending(NOW + timedelta(hours=72))
    for outcome in ("accepted", "declined", "withdrawn"):
        assert not replace(PENDING, outcome=outcome).pending(NOW)


def test_two_invitations_are_listed_with_the_same_fields():
    other = replace(PENDING, id="i-2", email="anna@annat.se", name="Anna")
    assert PENDING.listed().keys() == other.listed().keys()
    assert "has_account" not in PENDING.listed()


def test_the_last_administrator_of_an_organisation_cannot_leave_it_for_another():
    with pytest.raises(Conflict):
        check_move("administrator", "org-2", admins_there=1)
    check_move("administrator", "org-2", admins_there=2)
    check_move("user", "org-2", admins_there=1)
    check_move(None, None, admins_there=0)


def test_the_log_in_penalty_is_the_ceiling_of_a_doubling_policy_capped_at_a_minute():
    waits = []
    for failures in range(LOGIN_ACCOUNT.free, LOGIN_ACCOUNT.free + 9):
        events = [NOW - timedelta(seconds=1)] * failures
        allowed = next_allowed(LOGIN_ACCOUNT, events, NOW - timedelta(seconds=1))
        waits.append((allowed - events[-1]).total_seconds())
    assert waits == [1, 2, 4, 8, 16, 32, 60, 60, 60]
