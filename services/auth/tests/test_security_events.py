"""Security events in the log: failed log-ins, throttled requests, invitations, role changes and
removals, each with actor, target, organisation and client address; never a secret."""

import logging

import pytest
from servicekit.http import CLIENT_ADDRESS_HEADER, INTERNAL_KEY_HEADER

from .conftest import DEMO_ORG, INTERNAL_KEY, PASSWORD, SESSION_HEADER, rows

WRONG = "wrong password!"


@pytest.fixture
def events(caplog):
    caplog.set_level(logging.INFO, logger="security")

    def recorded(event: str) -> list[logging.LogRecord]:
        return [r for r in caplog.records if getattr(r, "security_event", None) == event]

    return recorded


def _user_id(app, email: str) -> str:
    return str(rows(app, "SELECT id FROM users WHERE email = %s", email)[0]["id"])


def _fields(record: logging.LogRecord) -> tuple:
    return record.actor, record.target, record.org_id, record.client_address


def _no_secret_in(caplog, *secrets: str) -> None:
    logged = " ".join(f"{r.getMessage()} {r.__dict__}" for r in caplog.records)
    for secret in secrets:
        assert secret not in logged


def test_a_failed_log_in_names_the_account_its_organisation_and_address(
    demo, api, app, events, caplog
):
    assert api.login(password=WRONG, address="198.51.100.9").status_code == 401
    (event,) = events("login_failed")
    kaisa = _user_id(app, "kaisa@jlmdata.se")
    assert _fields(event) == ("anonymous", kaisa, DEMO_ORG, "198.51.100.9")
    _no_secret_in(caplog, WRONG)


def test_a_failed_log_in_to_no_account_never_logs_what_was_typed(demo, api, events, caplog):
    typed = "my-password-in-the-wrong-field"
    assert api.login(identifier=typed, password=WRONG).status_code == 401
    (event,) = events("login_failed")
    assert (event.target, event.org_id) == ("unknown-account", "")
    _no_secret_in(caplog, typed, WRONG)


def test_a_throttled_request_names_the_route_and_address(demo, api, events, caplog):
    for address in range(5):
        api.login(password=WRONG, address=f"10.0.0.{address}")
    assert api.login(address="10.0.1.1").status_code == 429
    (event,) = events("throttled")
    assert (event.target, event.client_address) == ("/internal/login", "10.0.1.1")
    _no_secret_in(caplog, WRONG, PASSWORD)


def test_invitation_role_change_and_removal_name_actor_target_organisation_and_address(
    demo, api, app, events, caplog
):
    admin, kaisa = api.session_of(), _user_id(app, "kaisa@jlmdata.se")
    headers, path = _headers(admin, "203.0.113.5"), f"/internal/organisations/{DEMO_ORG}"
    invite = {"name": "Ivar Inbjuden", "email": "ivar@jlmdata.se"}
    answer = api.client.post(path + "/invitations", json=invite, headers=headers)
    assert answer.status_code == 201
    olle = _user_id(app, "olle@jlmdata.se")
    role = {"role": "administrator"}
    answer = api.client.put(f"{path}/members/{olle}/role", json=role, headers=headers)
    assert answer.status_code == 204
    assert api.client.delete(f"{path}/members/{olle}", headers=headers).status_code == 204

    (invited,) = events("member_invited")
    (changed,) = events("role_changed")
    (removed,) = events("member_removed")
    assert _fields(invited) == (kaisa, "ivar@jlmdata.se", DEMO_ORG, "203.0.113.5")
    assert _fields(changed) == (kaisa, olle, DEMO_ORG, "203.0.113.5")
    assert changed.role == "administrator"
    assert _fields(removed) == (kaisa, olle, DEMO_ORG, "203.0.113.5")
    _no_secret_in(caplog, admin, PASSWORD)


def test_a_refused_change_is_not_logged_as_done(demo, api, app, events):
    kaisa = _user_id(app, "kaisa@jlmdata.se")
    path = f"/internal/organisations/{DEMO_ORG}/members/{kaisa}/role"
    assert api.call("PUT", path, {"role": "user"}, session=api.session_of()).status_code == 409
    assert events("role_changed") == []


def _headers(session: str, browser_address: str) -> dict:
    """As the gateway calls: its credential, the session, the browser's address."""
    return {
        INTERNAL_KEY_HEADER: INTERNAL_KEY,
        SESSION_HEADER: session,
        CLIENT_ADDRESS_HEADER: browser_address,
    }
