"""A page's session look-up on a fake of the sessions: idle and absolute lifetime, the write of
the last use at most once a minute, and a disabled account."""

from datetime import timedelta

import pytest
from auth.adapters.secrets import digest
from auth.domain.errors import SessionInvalid
from auth.handlers.sessions import resolve_session

TOKEN = "a-session-token"


@pytest.fixture
def session(fake_svc) -> dict:
    """Kaisa's session, started now (idle timeout 30 minutes, absolute lifetime 12 hours)."""
    row = {
        "created_at": fake_svc.clock(),
        "last_seen_at": fake_svc.clock(),
        "user_id": "kaisa",
        "name": "Kaisa Jönsson",
        "email": "kaisa@jlmdata.se",
        "username": "900232",
        "disabled_at": None,
        "org_id": "org-1",
        "role": "administrator",
        "org_name": "Jlmdata AB",
        "org_number": "559192-5788",
        "customer_number": "900232",
    }
    fake_svc.sessions.rows[digest(TOKEN)] = row
    return row


def test_a_live_session_answers_who_it_belongs_to(fake_svc, session):
    me = resolve_session(fake_svc, TOKEN, with_apps=True)
    assert (me["user_id"], me["org_id"], me["role"], me["apps"]) == (
        "kaisa",
        "org-1",
        "administrator",
        [],
    )


def test_its_last_use_is_written_at_most_once_a_minute(fake_svc, session):
    for _ in range(5):
        fake_svc.clock.advance(20)
        resolve_session(fake_svc, TOKEN)
    assert fake_svc.sessions.touches == 1
    assert session["last_seen_at"] == fake_svc.clock.now - timedelta(seconds=40)


def test_an_idle_session_ends_and_stays_ended(fake_svc, session):
    fake_svc.clock.advance(30 * 60)
    with pytest.raises(SessionInvalid):
        resolve_session(fake_svc, TOKEN)
    assert fake_svc.sessions.rows == {}


def test_a_session_in_use_still_ends_after_its_absolute_lifetime(fake_svc, session):
    for _ in range(12 * 4):
        fake_svc.clock.advance(15 * 60)
        if fake_svc.clock.now - session["created_at"] < fake_svc.settings.lifetime.absolute:
            resolve_session(fake_svc, TOKEN)
    with pytest.raises(SessionInvalid):
        resolve_session(fake_svc, TOKEN)


def test_a_disabled_account_s_session_ends_at_its_next_use(fake_svc, session):
    session["disabled_at"] = fake_svc.clock()
    with pytest.raises(SessionInvalid):
        resolve_session(fake_svc, TOKEN)
    assert fake_svc.sessions.rows == {}


@pytest.mark.parametrize("token", [None, "", "x" * 129, "unknown"])
def test_a_missing_overlong_or_unknown_token_is_no_session(fake_svc, session, token):
    with pytest.raises(SessionInvalid):
        resolve_session(fake_svc, token)
