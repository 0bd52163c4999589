"""Log-in, throttling and sessions through the internal API, on a real database."""

import pytest
from auth.adapters.hashing import Argon2Parameters, Hasher

from .conftest import PASSWORD, rows


def test_internal_api_refuses_calls_without_the_internal_key(demo, api):
    assert api.login().status_code == 200
    response = api.post("/internal/login", {"identifier": "900232", "password": PASSWORD}, key=None)
    assert response.status_code == 401
    response = api.post("/internal/login", {"identifier": "900232", "password": PASSWORD}, key="x")
    assert response.status_code == 401


def test_login_returns_a_256_bit_session_and_stores_only_its_hash(demo, api, app):
    token = api.session_of()
    assert len(token) >= 43  # 32 random bytes, url-safe base64
    stored = rows(app, "SELECT id_hash FROM sessions")
    assert len(stored) == 1 and token.encode() not in bytes(stored[0]["id_hash"])


def test_each_login_gets_a_new_session_id(demo, api):
    assert api.session_of() != api.session_of()


def test_wrong_password_and_unknown_user_get_the_same_answer(demo, api):
    wrong = api.login("900232", "not the right password")
    unknown = api.login("999999", "not the right password")
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.get_json() == unknown.get_json()


@pytest.mark.parametrize(
    ("identifier", "password", "field"),
    [
        ("", PASSWORD, "identifier"),
        ("900232", "", "password"),
        ("x" * 300, PASSWORD, "identifier"),
        ("900232", "p" * 257, "password"),
    ],
)
def test_login_with_empty_or_overlong_fields_is_refused(demo, api, identifier, password, field):
    response = api.login(identifier, password)
    assert response.status_code == 422
    assert field in response.get_json()["error"]["fields"]


def test_login_with_non_string_fields_is_refused(demo, api):
    response = api.post("/internal/login", {"identifier": 900232, "password": ["x"]})
    assert response.status_code == 422


def test_unverified_user_cannot_log_in(demo, api, app):
    with app.extensions["db_pool"].connection() as conn:
        conn.execute("UPDATE users SET email_verified_at = NULL WHERE username = '900232'")
    response = api.login()
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "email_not_verified"


def test_session_resolves_to_user_org_and_role(demo, api):
    token = api.session_of()
    me = api.post("/internal/sessions/resolve", {"session_token": token}).get_json()
    assert me["name"] == "Kaisa Jönsson"
    assert me["org_id"] == "00000000-0000-4000-8000-000000900232"
    assert me["role"] == "administrator"


def test_session_resolve_answers_the_organisations_apps_in_the_same_call(demo, api):
    me = api.post("/internal/sessions/resolve", {"session_token": api.session_of()}).get_json()
    assert [app["key"] for app in me["apps"]] == ["aspia-ica", "pm-sync", "resultat-finans"]
    assert all(app["name"] and app["url"] for app in me["apps"])


def test_a_session_records_its_last_use_at_most_once_a_minute(demo, api, app, clock):
    token = api.session_of()
    started = clock.now

    def resolve_and_read_last_use():
        assert api.post("/internal/sessions/resolve", {"session_token": token}).status_code == 200
        return rows(app, "SELECT last_seen_at FROM sessions")[0]["last_seen_at"]

    clock.advance(seconds=59)
    assert resolve_and_read_last_use() == started
    clock.advance(seconds=1)
    assert resolve_and_read_last_use() == clock.now


def test_unknown_session_is_refused(demo, api):
    response = api.post("/internal/sessions/resolve", {"session_token": "made-up"})
    assert response.status_code == 401


def test_session_ends_after_idle_timeout(demo, api, clock):
    token = api.session_of()
    clock.advance(minutes=29)
    assert api.post("/internal/sessions/resolve", {"session_token": token}).status_code == 200
    clock.advance(minutes=29)
    assert api.post("/internal/sessions/resolve", {"session_token": token}).status_code == 200
    clock.advance(minutes=30)
    assert api.post("/internal/sessions/resolve", {"session_token": token}).status_code == 401


def test_session_ends_after_absolute_lifetime_even_when_used(demo, api, clock):
    token = api.session_of()
    for _ in range(12 * 3):
        clock.advance(minutes=20)
        response = api.post("/internal/sessions/resolve", {"session_token": token})
    assert response.status_code == 401
    assert api.post("/internal/sessions/resolve", {"session_token": token}).status_code == 401


def test_log_out_ends_the_session_on_the_server(demo, api, app):
    token = api.session_of()
    assert api.post("/internal/sessions/end", {"session_token": token}).status_code == 204
    assert api.post("/internal/sessions/resolve", {"session_token": token}).status_code == 401
    assert rows(app, "SELECT * FROM sessions") == []


def test_disabling_a_user_ends_their_sessions(demo, api):
    from auth.handlers.organisation import disable_user

    token = api.session_of("olle@jlmdata.se")
    assert disable_user(demo, "olle@jlmdata.se") == 1
    assert api.post("/internal/sessions/resolve", {"session_token": token}).status_code == 401
    assert api.login("olle@jlmdata.se").status_code == 401


def test_hash_is_upgraded_at_login_when_parameters_change(demo, api, app):
    ctx = app.extensions["auth"]
    ctx.hasher = Hasher(Argon2Parameters(memory_kib=2048, time_cost=2, parallelism=1))
    assert api.login().status_code == 200
    stored = rows(app, "SELECT password_hash FROM users WHERE username = '900232'")[0]
    assert "$m=2048,t=2,p=1$" in stored["password_hash"]
    assert api.login().status_code == 200


def test_account_is_delayed_after_five_failures_and_the_right_password_waits_too(demo, api, clock):
    for address in range(5):
        assert api.login(password="wrong password!", address=f"10.0.0.{address}").status_code == 401
    throttled = api.login(address="10.0.1.1")
    assert throttled.status_code == 429
    assert throttled.headers["Retry-After"] == "1"
    clock.advance(seconds=1)
    assert api.login(address="10.0.1.1").status_code == 200


def test_unknown_accounts_are_throttled_exactly_like_known_ones(demo, api):
    answers = {}
    for identifier in ("900232", "nobody@example.se"):
        statuses = [api.login(identifier, "wrong password!").status_code for _ in range(6)]
        answers[identifier] = statuses
    assert answers["900232"] == answers["nobody@example.se"] == [401] * 5 + [429]


def test_a_successful_login_resets_the_account_counter(demo, api):
    for _ in range(4):
        api.login(password="wrong password!")
    assert api.login().status_code == 200
    for _ in range(5):
        assert api.login(password="wrong password!").status_code == 401


def test_an_account_is_never_held_longer_than_a_minute(demo, api, clock):
    for _ in range(40):
        response = api.login(password="wrong password!")
        clock.advance(seconds=int(response.headers.get("Retry-After", 0)))
        assert int(response.headers.get("Retry-After", 0)) <= 60
    clock.advance(seconds=60)
    assert api.login(address="192.0.2.50").status_code == 200


def test_one_address_is_locked_after_fifty_failures_across_accounts(demo, api, clock):
    evaluated = 0
    for attempt in range(200):
        response = api.login(f"user{attempt}@example.se", "wrong password!", address="203.0.113.9")
        evaluated += response.status_code == 401
        if evaluated == 50:
            break
        clock.advance(seconds=int(response.headers.get("Retry-After", "0")))
    locked = api.login(address="203.0.113.9")
    assert locked.status_code == 429
    assert int(locked.headers["Retry-After"]) > 15 * 60
    assert api.login(address="203.0.113.10").status_code == 200
    clock.advance(hours=1)
    assert api.login(address="203.0.113.9").status_code == 200
