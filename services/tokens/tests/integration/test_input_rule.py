"""Hostile input to the tokens service's real routes: refused with 400 in the error shape (the
platform's input rule) or answered as an outcome, never a 500; no state is used up, nothing
is stored."""

import uuid
from urllib.parse import parse_qs, urlsplit

import pytest
from servicekit.testing import assertion_headers, caller_headers
from tokens.entrypoints.api import create_app


@pytest.fixture(scope="module")
def client(tokens_config):
    app = create_app(tokens_config)
    yield app.test_client()
    app.extensions["db_pool"].close()


@pytest.fixture
def headers() -> dict:
    return caller_headers("gateway")


def vouched(action: str, org_id: str, user_id: str) -> dict:
    """As the gateway calls: its credential and auth's word for the person in session-1."""
    return caller_headers("gateway") | assertion_headers(
        action, org_id, user_id, session="session-1"
    )


@pytest.fixture
def pending(client) -> dict:
    """A started "Ny Token": its state, and the user it belongs to."""
    org_id, user_id = str(uuid.uuid4()), str(uuid.uuid4())
    started = client.post(
        f"/internal/organisations/{org_id}/fortnox/connect",
        json={},
        headers=vouched("fortnox.connect", org_id, user_id),
    )
    assert started.status_code == 201, started.get_json()
    state = parse_qs(urlsplit(started.get_json()["authorize_url"]).query)["state"][0]
    return {"state": state, "org_id": org_id, "user_id": user_id}


def callback(client, pending: dict, body: dict, user_id: str | None = None):
    """Fortnox's answer brought back by the person `pending` started with (or `user_id`)."""
    who = vouched("fortnox.callback", pending["org_id"], user_id or pending["user_id"])
    return client.post("/internal/fortnox/callback", json=body, headers=who)


def state_row(raw, state_user: str) -> list[dict]:
    return raw.execute(
        "SELECT used_at FROM oauth_states WHERE user_id = %s", (state_user,)
    ).fetchall()


@pytest.mark.parametrize(
    "broken",
    [
        {"error": "access_denied\x00"},
        {"error_description": "nej\x00"},
        {"user_id": "user\x00"},
        {"session_ref": "session\x00-1"},
        {"state": "\ud800x"},
        {"code": "\ud800"},
        {"user_id": "\udfff"},
    ],
)
def test_broken_text_in_the_callback_is_refused_and_the_state_is_not_used(
    client, pending, raw, broken
):
    body = {"state": pending["state"], "code": "never-sent"} | broken
    response = callback(client, pending, body)
    assert response.status_code == 400, response.get_json()
    assert response.get_json()["error"]["code"] == "malformed_input"
    assert set(response.get_json()["error"]["fields"]) == set(broken)
    assert [row["used_at"] for row in state_row(raw, pending["user_id"])] == [None]


def test_fortnox_words_may_carry_line_breaks_but_no_other_control_characters(client, pending):
    body = {"state": pending["state"], "error": "access_denied"}
    body["error_description"] = "Nej.\r\nAvbrutet\tnu"
    response = callback(client, pending, body)
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["outcome"] == "refused"


def test_a_non_ascii_user_id_in_the_callback_is_answered_as_a_wrong_user(client, pending):
    body = {"state": pending["state"], "code": "never-sent"}
    response = callback(client, pending, body, user_id="åsa-ö")
    assert response.status_code < 500, response.get_json()
    assert response.get_json()["outcome"] == "state_invalid"


@pytest.mark.parametrize("user_id", ["user\x00", "\ud800"])
def test_broken_text_in_the_user_starting_a_connection_is_refused(client, headers, user_id):
    org_id = str(uuid.uuid4())
    response = client.post(
        f"/internal/organisations/{org_id}/fortnox/connect",
        json={"user_id": user_id, "session_ref": "s"},
        headers=headers,
    )
    assert response.status_code == 400
    assert set(response.get_json()["error"]["fields"]) == {"user_id"}


@pytest.mark.parametrize(
    "path",
    [
        "/internal/fortnox/callback",
        "/internal/organisations/2b0c1c8e-3f5a-4c39-9a43-6f1f3c0de001/fortnox/connect",
    ],
)
def test_json_nested_2000_deep_is_refused(client, headers, path):
    response = client.post(
        path, data="[" * 2000 + "]" * 2000, content_type="application/json", headers=headers
    )
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "malformed_input"
