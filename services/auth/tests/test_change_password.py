"""Konto: the signed-in user changes their own password through the internal API."""

import json
import logging

import pytest
from servicekit.contracts.conformance import assert_outbox_conforms
from servicekit.mailsink import MailSink

from .conftest import DEMO_ORG, PASSWORD, rows

NEW_PASSWORD = "kaisas nya långa lösenfras"
PATH = "/internal/account/password"


def change(api, session, current=PASSWORD, new=NEW_PASSWORD, address="198.51.100.7"):
    body = {"current_password": current, "new_password": new, "client_address": address}
    return api.post(PATH, body, session=session)


def resolves(api, token: str) -> bool:
    return api.post("/internal/sessions/resolve", {"session_token": token}).status_code == 200


def kaisas_hash(app) -> str:
    return rows(app, "SELECT password_hash FROM users WHERE username = '900232'")[0][
        "password_hash"
    ]


def changed_events(app) -> list[dict]:
    return [
        r["envelope"]
        for r in rows(app, "SELECT envelope FROM outbox WHERE type = 'user.password_changed'")
    ]


def test_the_new_password_logs_in_and_the_old_one_no_longer_does(demo, api, app):
    response = change(api, api.session_of())
    assert response.status_code == 200
    assert kaisas_hash(app).startswith("$argon2id$")
    assert api.login(password=PASSWORD).status_code == 401
    assert api.login(password=NEW_PASSWORD).status_code == 200


def test_other_sessions_end_and_this_one_continues_under_a_new_id(demo, api, app):
    phone = api.session_of()
    laptop = api.session_of()
    started = rows(app, "SELECT created_at FROM sessions ORDER BY created_at")[-1]["created_at"]
    response = change(api, laptop)
    renewed = response.get_json()["session_token"]
    assert response.get_json()["other_sessions_ended"] == 1
    assert renewed not in (phone, laptop) and len(renewed) >= 43
    assert not resolves(api, phone)
    assert not resolves(api, laptop)  # a copy of the old cookie is worthless now
    assert resolves(api, renewed)
    left = rows(app, "SELECT id_hash, created_at FROM sessions")
    assert len(left) == 1 and renewed.encode() not in bytes(left[0]["id_hash"])
    assert left[0]["created_at"] == started  # a new id does not extend the absolute lifetime


def test_a_plain_user_changes_only_their_own_password(demo, api, app):
    before = kaisas_hash(app)
    kaisa = api.session_of()
    response = change(api, api.session_of("olle@jlmdata.se"), new="olles nya långa lösenfras")
    assert response.status_code == 200
    assert api.login("olle@jlmdata.se", "olles nya långa lösenfras").status_code == 200
    assert kaisas_hash(app) == before and resolves(api, kaisa)


def test_wrong_current_password_is_refused_and_changes_nothing(demo, api, app, smtp_sink):
    session = api.session_of()
    other = api.session_of()
    before = kaisas_hash(app)
    response = change(api, session, current="not my password at all")
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "wrong_current_password"
    assert error["fields"] == {"current_password": "Det nuvarande lösenordet stämmer inte."}
    assert kaisas_hash(app) == before
    assert resolves(api, session) and resolves(api, other)
    assert changed_events(app) == []
    assert api.deliver_mail() == 0 and smtp_sink.messages == []


def test_wrong_current_passwords_are_throttled_like_log_ins(demo, api, clock):
    session = api.session_of()
    for attempt in range(5):
        wrong = change(
            api, session, current=f"wrong password {attempt}", address=f"10.0.0.{attempt}"
        )
        assert wrong.status_code == 422
    throttled = change(api, session, address="10.0.1.1")
    assert throttled.status_code == 429
    assert throttled.headers["Retry-After"] == "1"
    assert throttled.get_json()["error"]["code"] == "throttled"
    clock.advance(seconds=1)
    assert change(api, session, address="10.0.1.1").status_code == 200


def test_the_change_form_and_log_in_share_one_budget_of_guesses(demo, api):
    session = api.session_of()
    for _ in range(3):
        assert api.login(password="wrong password!").status_code == 401
    for _ in range(2):
        assert change(api, session, current="wrong password!").status_code == 422
    assert api.login(password="wrong password!").status_code == 429
    assert change(api, session, current="wrong password!").status_code == 429


def test_the_right_current_password_resets_the_account_counter(demo, api):
    session = api.session_of()
    for _ in range(4):
        change(api, session, current="wrong password!")
    renewed = change(api, session).get_json()["session_token"]
    for _ in range(5):
        assert change(api, renewed, current="wrong password!").status_code == 422


@pytest.mark.parametrize(
    ("current", "new", "field", "message"),
    [
        ("", NEW_PASSWORD, "current_password", "Ange ditt nuvarande lösenord."),
        ("p" * 257, NEW_PASSWORD, "current_password", "Högst 256 tecken."),
        (PASSWORD, "", "new_password", "Ange ett lösenord."),
        (PASSWORD, "elva tecken", "new_password", "Lösenordet måste ha minst 12 tecken."),
        (PASSWORD, "n" * 257, "new_password", "Lösenordet får ha högst 256 tecken."),
        (PASSWORD, "password1234", "new_password", "Lösenordet är för vanligt."),
        (PASSWORD, "Kaisa@Jlmdata.se", "new_password", "får inte vara ditt användarnamn"),
    ],
)
def test_bad_input_gets_a_field_message_and_counts_no_attempt(
    demo, api, app, current, new, field, message
):
    session = api.session_of()
    before = kaisas_hash(app)
    response = change(api, session, current=current, new=new)
    assert response.status_code == 422
    assert message in response.get_json()["error"]["fields"][field]
    assert kaisas_hash(app) == before and resolves(api, session)
    assert rows(app, "SELECT * FROM throttle_events") == []
    assert changed_events(app) == []


def test_empty_form_gets_a_message_for_both_fields(demo, api):
    response = change(api, api.session_of(), current="", new="")
    assert set(response.get_json()["error"]["fields"]) == {"current_password", "new_password"}


def test_a_long_password_is_accepted_whole_never_truncated(demo, api):
    passphrase = "ä" * 256
    assert change(api, api.session_of(), new=passphrase).status_code == 200
    assert api.login(password=passphrase).status_code == 200
    assert api.login(password=passphrase[:-1]).status_code == 401


def test_the_same_password_as_before_is_refused_once_the_current_one_is_right(demo, api, app):
    session = api.session_of()
    response = change(api, session, current=PASSWORD, new=PASSWORD)
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"] == {
        "new_password": "Det nya lösenordet måste skilja sig från det nuvarande."
    }
    assert resolves(api, session) and changed_events(app) == []
    wrong = change(api, session, current="not my password!", new="not my password!")
    assert wrong.get_json()["error"]["code"] == "wrong_current_password"


def test_non_string_fields_are_refused(demo, api):
    body = {"current_password": ["x"], "new_password": 123456789012345}
    response = api.post(PATH, body, session=api.session_of())
    assert response.status_code == 422


@pytest.mark.parametrize("session", [None, "made-up", "x" * 500])
def test_without_a_valid_session_nothing_changes(demo, api, app, session):
    before = kaisas_hash(app)
    response = change(api, session)
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "session_invalid"
    assert kaisas_hash(app) == before


def test_an_ended_session_cannot_change_the_password(demo, api, app):
    session = api.session_of()
    api.post("/internal/sessions/end", {"session_token": session})
    assert change(api, session).status_code == 401
    assert api.login().status_code == 200


def test_the_endpoint_needs_the_internal_key(demo, api, app):
    body = {"current_password": PASSWORD, "new_password": NEW_PASSWORD}
    response = api.post(PATH, body, session=api.session_of(), key=None)
    assert response.status_code == 401
    assert api.login().status_code == 200


def test_the_event_says_changed_and_carries_no_secret(demo, api, app):
    session = api.session_of()
    renewed = change(api, session).get_json()["session_token"]
    events = changed_events(app)
    assert len(events) == 1
    assert events[0]["data"]["reason"] == "changed"
    kaisa = rows(app, "SELECT id FROM users WHERE username = '900232'")[0]["id"]
    assert events[0]["data"] == {"user_id": str(kaisa), "org_id": DEMO_ORG, "reason": "changed"}
    assert_outbox_conforms(app.config["DATABASE_URL"], types={"user.password_changed"})
    everything = json.dumps([r["envelope"] for r in rows(app, "SELECT envelope FROM outbox")])
    for secret in (PASSWORD, NEW_PASSWORD, session, renewed):
        assert secret not in everything


def test_a_mail_tells_the_user_and_holds_no_password(demo, api, smtp_sink):
    session = api.session_of()
    renewed = change(api, session).get_json()["session_token"]
    api.deliver_mail()
    mail = smtp_sink.wait_for("kaisa@jlmdata.se")
    assert mail["Subject"] == "Ditt lösenord har ändrats"
    body = MailSink.body(mail)
    assert "Hej Kaisa Jönsson!" in body and "alla andra inloggningar har avslutats" in body
    assert MailSink.links(mail) == ["https://apps.example.se/glomt-losenord"]
    for secret in (PASSWORD, NEW_PASSWORD, session, renewed):
        assert secret not in body


def test_no_password_or_session_id_reaches_the_logs(demo, api, caplog):
    caplog.set_level(logging.DEBUG)
    session = api.session_of()
    change(api, session, current="a wrong guess of mine")
    change(api, session, new="password1234")
    renewed = change(api, session).get_json()["session_token"]
    logged = "\n".join(f"{r.getMessage()} {r.__dict__}" for r in caplog.records)
    assert "password changed" in logged
    for secret in (PASSWORD, NEW_PASSWORD, "a wrong guess of mine", session, renewed):
        assert secret not in logged
