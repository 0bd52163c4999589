"""The tokens service's OpenAPI document: served, valid, complete, what the routes accept and
what they answer; the hand-out never documents or gives the refresh token."""

import uuid

import pytest
from servicekit.openapi_checks import (
    Call,
    body_problems,
    response_problems,
    route_problems,
    validation_problems,
)
from servicekit.testing import vouched_headers
from tokens.entrypoints.api import create_app

ORG_PATH = "/internal/organisations/{org_id}/fortnox"


@pytest.fixture(scope="module")
def app(tokens_config):
    app = create_app(tokens_config)
    yield app
    app.extensions["db_pool"].close()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def document(client) -> dict:
    response = client.get("/openapi.json")
    assert response.status_code == 200
    return response.get_json()


def _property_names(node) -> set[str]:
    """Every property name of every schema anywhere in the node."""
    names = set()
    if isinstance(node, dict):
        names |= set(node.get("properties") or {})
        for value in node.values():
            names |= _property_names(value)
    elif isinstance(node, list):
        for value in node:
            names |= _property_names(value)
    return names


def test_the_document_is_served_without_the_internal_key_and_is_valid_openapi(document):
    assert document["info"]["title"] == "Resultat Finans tokens service"
    assert validation_problems(document) == []


def test_every_route_is_documented_with_its_methods_and_nothing_else(app, document):
    assert route_problems(app, document) == []


def test_every_operation_needs_the_internal_key_and_org_ids_are_uuids(document):
    for path, item in document["paths"].items():
        for operation in item.values():
            assert operation["security"] == [{"internalKey": []}]
            assert {"401", "422"} <= set(operation["responses"])
            for parameter in operation["parameters"]:
                assert parameter["schema"]["format"] == "uuid", (path, parameter)


def test_the_hand_out_documents_no_refresh_token_anywhere(document):
    assert "refresh_token" not in _property_names(document)
    handout = document["paths"][ORG_PATH + "/access-token"]["post"]
    assert "requestBody" not in handout
    assert {"200", "404", "409", "503"} <= set(handout["responses"])
    schema = handout["responses"]["200"]["content"]["application/json"]["schema"]
    name = schema["$ref"].rsplit("/", 1)[-1]
    assert set(document["components"]["schemas"][name]["properties"]) == {
        "access_token",
        "kind",
        "expires_at",
    }


def test_each_documented_example_is_accepted_and_each_required_field_is_asked_for(
    client, document, connect_org
):
    """Check and disconnect get an organisation connected through the Fortnox sandbox."""

    def prepare(method: str, path: str) -> Call:
        call = Call()
        if path.startswith(ORG_PATH):
            needs_connection = path.endswith(("/check", "/disconnect"))
            call.path = {"org_id": connect_org().org_id if needs_connection else str(uuid.uuid4())}
        call.headers = vouched_headers(method, path, call.path.get("org_id"))
        return call

    assert body_problems(client, document, prepare) == []


def test_every_answer_fits_the_document_through_a_connection_s_life(
    client, document, fortnox_sandbox
):
    """Connect over HTTP, use the connection, disconnect; and an organisation never connected."""
    answers = []

    def call(method: str, path: str, org_id: str | None = None, json=None):
        url = path.replace("{org_id}", org_id) if org_id else path
        headers = vouched_headers(method, path, org_id)
        answer = client.open(url, method=method, json=json, headers=headers)
        operation = document["paths"][path][method.lower()]
        assert response_problems(document, operation, f"{method} {path}", answer) == []
        answers.append((method, path.removeprefix(ORG_PATH) or "/", answer.status_code))
        return answer.get_json()

    tenant = fortnox_sandbox.create_tenant(legacy_token=False)
    org_id = str(uuid.uuid4())
    started = call("POST", ORG_PATH + "/connect", org_id, {})
    consent = fortnox_sandbox.consent(started["authorize_url"], tenant.username, tenant.password)
    body = {"state": consent.state, "code": consent.code}
    completed = call("POST", "/internal/fortnox/callback", json=body)
    assert completed["outcome"] == "connected" and completed["company"]["company_name"]
    assert call("POST", "/internal/fortnox/callback", json=body)["outcome"] == "state_reused"
    assert call("GET", ORG_PATH, org_id)["state"] == "connected"
    handed = call("POST", ORG_PATH + "/access-token", org_id)
    assert set(handed) == {"access_token", "kind", "expires_at"}
    assert call("POST", ORG_PATH + "/check", org_id)["ok"] is True
    assert call("POST", ORG_PATH + "/disconnect", org_id)["state"] == "revoked"
    call("POST", ORG_PATH + "/access-token", org_id)
    call("GET", ORG_PATH, org_id)
    assert call("GET", ORG_PATH + "/audit", org_id)["entries"][0]["action"] == "disconnect"

    never = str(uuid.uuid4())
    call("GET", ORG_PATH, never)
    call("POST", ORG_PATH + "/access-token", never)
    call("POST", ORG_PATH + "/disconnect", never, {})
    assert call("GET", ORG_PATH + "/audit", never) == {"entries": []}
    call("GET", ORG_PATH, "not-a-uuid")
    assert [status for *_, status in answers] == [
        201, 200, 200, 200, 200, 200, 200, 409, 200, 200, 200, 404, 404, 200, 422,
    ]  # fmt: skip
