"""Konto on fakes of the sessions and the accounts: the current password is checked under the
log-in limits, the session continues under a new id with its old start, the others end."""

from datetime import timedelta

import pytest
from auth.adapters.secrets import digest
from auth.domain.errors import InvalidInput, SessionInvalid, Throttled, WrongCurrentPassword
from auth.handlers.account import change_password

ADDRESS = "198.51.100.7"
TOKEN = "kaisas-session"
CURRENT, NEW = "kaisas lösenfras", "kaisas nya lösenfras"


@pytest.fixture
def kaisa(fake_svc) -> dict:
    user = fake_svc.accounts.add_user("kaisa", "kaisa@jlmdata.se", CURRENT, role="administrator")
    started = fake_svc.clock() - timedelta(hours=1)
    fake_svc.sessions.rows[digest(TOKEN)] = {
        **{k: user[k] for k in ("name", "email", "username", "disabled_at", "org_id", "role")},
        "user_id": "kaisa",
        "created_at": started,
        "last_seen_at": fake_svc.clock(),
        "org_name": "Jlmdata AB",
        "org_number": "559192-5788",
        "customer_number": "900232",
    }
    fake_svc.accounts.insert_session(b"on-the-phone", "kaisa", started)
    return user


def change(fake_svc, current: str = CURRENT, new: str = NEW) -> dict:
    return change_password(fake_svc, TOKEN, current, new, ADDRESS)


def test_the_password_changes_the_session_gets_a_new_id_and_the_others_end(fake_svc, kaisa):
    answer = change(fake_svc)
    assert answer["other_sessions_ended"] == 1
    assert fake_svc.accounts.users["kaisa"]["password_hash"] == fake_svc.hasher.hash(NEW)
    sessions = fake_svc.accounts.sessions
    assert list(sessions) == [digest(answer["session_token"])]
    assert sessions[digest(answer["session_token"])]["created_at"] < fake_svc.clock()
    assert fake_svc.accounts.mails[-1]["subject"] == "Ditt lösenord har ändrats"


def test_a_wrong_current_password_changes_nothing_and_is_counted_like_a_log_in(fake_svc, kaisa):
    with pytest.raises(WrongCurrentPassword):
        change(fake_svc, current="fel lösenord")
    assert fake_svc.accounts.users["kaisa"]["password_hash"] == fake_svc.hasher.hash(CURRENT)
    assert fake_svc.accounts.throttle_keys() == ["login-account:kaisa", f"login-address:{ADDRESS}"]


def test_after_five_wrong_current_passwords_the_form_waits_like_log_in(fake_svc, kaisa):
    for _ in range(5):
        with pytest.raises(WrongCurrentPassword):
            change(fake_svc, current="fel lösenord")
    with pytest.raises(Throttled):
        change(fake_svc)


def test_the_same_password_again_is_refused_after_the_check(fake_svc, kaisa):
    with pytest.raises(InvalidInput) as refused:
        change(fake_svc, new=CURRENT)
    assert list(refused.value.fields) == ["new_password"]
    assert fake_svc.accounts.throttle_keys() == []  # the right password cleared its count


def test_a_session_ended_meanwhile_changes_nothing(fake_svc, kaisa):
    fake_svc.accounts.users["kaisa"]["password_hash"] = fake_svc.hasher.hash(CURRENT)
    fake_svc.accounts.take_session = lambda id_hash: None  # logged out in another tab
    with pytest.raises(SessionInvalid):
        change(fake_svc)
    assert fake_svc.accounts.users["kaisa"]["password_hash"] == fake_svc.hasher.hash(CURRENT)
