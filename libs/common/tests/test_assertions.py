"""servicekit.assertions: auth's signed word on who starts one action in one organisation."""

import time

import jwt
import pytest
from flask import Flask, jsonify
from servicekit import assertions
from servicekit.app import create_service_app
from servicekit.db import autocommit
from servicekit.mailsink import free_port

SIGNING, VERIFY = assertions.new_key_pair()
ORG, OTHER = "org-1", "org-2"
PERSON = {"user_id": "u-7", "org_id": ORG, "role": "administrator"}


@pytest.fixture(scope="module")
def database(make_database, tmp_path_factory):
    return make_database(tmp_path_factory.mktemp("no-own-migrations"))


@pytest.fixture
def _app(database):
    """An app whose one action counts how often it was done, on its own database."""
    made = []

    def _make(verify_keys: str = VERIFY, url: str = database) -> Flask:
        app = create_service_app("probe", database_url=url, migrations=None, amqp_url=None)
        app.done = 0

        @app.post("/orgs/<org_id>/disconnect")
        def disconnect(org_id: str):
            who = assertions.required(verify_keys, "fortnox.disconnect", org_id, admin=True)
            app.done += 1
            return jsonify(who)

        made.append(app)
        return app

    yield _make
    for app in made:
        app.extensions["db_pool"].close()


def _post(app: Flask, token: str, org_id: str = ORG):
    answer = app.test_client().post(
        f"/orgs/{org_id}/disconnect", headers={assertions.HEADER: token}
    )
    return answer.status_code, answer.get_json()


def _signed(action="fortnox.disconnect", person=PERSON, key=SIGNING) -> str:
    return assertions.sign(key, action, person, "session-token")["assertion"]


def test_the_person_comes_from_the_assertion_with_a_reference_to_the_session_not_the_session(
    _app,
):
    status, who = _post(_app(), _signed())
    assert status == 200
    assert who == {
        "user_id": "u-7",
        "org_id": ORG,
        "session_ref": assertions.session_ref("session-token"),
        "organisation_number": None,
    }
    assert "session-token" not in _signed()


@pytest.mark.parametrize(
    ("token", "org_id", "status"),
    [
        (lambda: "", ORG, 401),
        (lambda: "not-a-jwt", ORG, 401),
        (lambda: _signed(key=assertions.new_key_pair()[0]), ORG, 401),  # not auth's key
        (lambda: _signed(action="settings.save_payment_method"), ORG, 401),  # for settings
        (lambda: _signed(action="fortnox.check"), ORG, 403),  # another action
        (lambda: _signed(), OTHER, 403),  # another organisation
        (lambda: _signed(person=PERSON | {"role": "user"}), ORG, 403),  # not an administrator
    ],
    ids=["none", "garbage", "other-key", "other-audience", "other-action", "other-org", "role"],
)
def test_anything_but_auths_assertion_of_this_action_here_by_an_administrator_is_refused(
    _app, token, org_id, status
):
    assert _post(_app(), token(), org_id)[0] == status


def test_an_expired_assertion_is_refused_past_the_clock_skew_it_allows(_app):
    claims = jwt.decode(_signed(), options={"verify_signature": False})
    claims["exp"] = int(time.time()) - assertions.CLOCK_SKEW_SECONDS - 1
    key = assertions.Ed25519PrivateKey.from_private_bytes(assertions._raw(SIGNING))
    assert _post(_app(), jwt.encode(claims, key, algorithm="EdDSA"))[0] == 401


def test_during_a_rotation_either_of_auths_keys_is_accepted(_app):
    new_signing, new_verify = assertions.new_key_pair()
    app = _app(f"{new_verify},{VERIFY}")
    assert _post(app, _signed(key=new_signing))[0] == 200
    assert _post(app, _signed())[0] == 200


def test_a_replayed_assertion_is_refused_and_the_action_is_not_done_twice(_app):
    app, token = _app(), _signed()
    assert _post(app, token)[0] == 200
    status, body = _post(app, token)
    assert (status, body["error"]["code"]) == (401, "assertion_used")
    assert app.done == 1
    assert _post(app, _signed())[0] == 200  # a fresh one works
    assert app.done == 2


def test_an_assertion_without_a_jti_is_refused(_app):
    claims = jwt.decode(_signed(), options={"verify_signature": False})
    del claims["jti"]
    key = assertions.Ed25519PrivateKey.from_private_bytes(assertions._raw(SIGNING))
    assert _post(_app(), jwt.encode(claims, key, algorithm="EdDSA"))[0] == 401


def test_used_assertions_are_kept_only_until_they_expire(_app, database):
    with autocommit(_app().extensions["db_pool"]) as conn:
        conn.execute(
            "INSERT INTO used_assertions (jti, expires_at)"
            " VALUES ('long-gone', now() - interval '1 hour')"
        )
    app = _app()
    assert _post(app, _signed())[0] == 200
    with autocommit(app.extensions["db_pool"]) as conn:
        kept = [r["jti"] for r in conn.execute("SELECT jti FROM used_assertions")]
    assert "long-gone" not in kept and kept


def test_postgresql_down_refuses_the_action_with_a_503_not_a_500(_app):
    app = _app(url=f"postgresql://postgres@127.0.0.1:{free_port()}/nowhere")
    answer = app.test_client().post(
        f"/orgs/{ORG}/disconnect", headers={assertions.HEADER: _signed()}
    )
    assert answer.status_code == 503 and answer.headers["Retry-After"]
    assert app.done == 0


@pytest.mark.parametrize("value", [None, "", "c2hvcnQ=", "not base64!"], ids=repr)
def test_a_missing_or_malformed_key_refuses_to_start(value):
    with pytest.raises(RuntimeError, match="ACTION_VERIFY_KEYS"):
        assertions.check_key("tokens", "ACTION_VERIFY_KEYS", value)
    assert assertions.check_key("tokens", "ACTION_VERIFY_KEYS", VERIFY) == VERIFY
