"""The auth service's OpenAPI document: served, valid, complete, and what the routes accept."""

from datetime import timedelta

import pytest
from auth.adapters import invitations
from auth.adapters.secrets import new_secret
from auth.entrypoints.internal_api import SESSION_HEADER
from auth.handlers import links
from servicekit.db import transaction
from servicekit.http import INTERNAL_KEY_HEADER
from servicekit.openapi_checks import (
    Call,
    body_problems,
    response_problems,
    route_problems,
    validation_problems,
)

from .conftest import DEMO_ORG, INTERNAL_KEY, rows, token_of

OLLE = "olle@jlmdata.se"  # the demo's plain user


@pytest.fixture
def document(demo, api) -> dict:
    response = api.call("GET", "/openapi.json", key=None)
    assert response.status_code == 200
    return response.get_json()


def _user_id(app, email: str) -> str:
    return str(rows(app, "SELECT id FROM users WHERE email = %s", email)[0]["id"])


def _fresh_link_token(app, purpose: str, email: str) -> str:
    ctx = app.extensions["auth"]
    if purpose == "invite":
        return _fresh_invitation_token(ctx)
    with ctx.accounts.transaction() as txn:
        link = links.issue(ctx, txn, purpose, _user_id(app, email))
    return token_of(link)


def _pending_invitation_id(app) -> str:
    _fresh_invitation_token(app.extensions["auth"])
    latest = rows(app, "SELECT id FROM invitations ORDER BY created_at DESC, id LIMIT 1")
    return str(latest[0]["id"])


def _fresh_invitation_token(ctx) -> str:
    """A pending invitation of a new address to the demo organisation."""
    raw, token_hash = new_secret()
    now = ctx.clock()
    with transaction(ctx.pool) as conn:
        invitations.insert(
            conn,
            org_id=DEMO_ORG,
            email=f"ny-{raw[:8]}@jlmdata.se",
            name="Ny Kollega",
            invited_by=None,
            token_hash=token_hash,
            now=now,
            expires_at=now + timedelta(days=1),
        )
    return raw


def test_the_document_is_served_without_the_internal_key_and_is_valid_openapi(document):
    assert document["info"]["title"] == "Resultat Finans auth service"
    assert validation_problems(document) == []


def test_every_route_is_documented_with_its_methods_and_nothing_else(app, document):
    assert route_problems(app, document) == []


def test_organisation_and_account_operations_take_the_session_header(document):
    for path, item in document["paths"].items():
        for operation in item.values():
            assert operation["security"] == [{"internalKey": []}]
            takes_session = {"$ref": "#/components/parameters/SessionToken"} in operation[
                "parameters"
            ]
            assert takes_session == path.startswith(
                ("/internal/organisations/", "/internal/account/")
            )
    header = document["components"]["parameters"]["SessionToken"]
    assert (header["in"], header["name"]) == ("header", SESSION_HEADER)


def test_each_documented_example_is_accepted_and_each_required_field_is_asked_for(
    app, api, document
):
    """Every call gets what it needs fresh: a session, a mailed link's token, a member."""

    def prepare(method: str, path: str) -> Call:
        call = Call(headers={INTERNAL_KEY_HEADER: INTERNAL_KEY})
        if path.startswith("/internal/sessions/"):
            call.body["session_token"] = api.session_of()
        elif path == "/internal/account/password":
            call.headers[SESSION_HEADER] = api.session_of(OLLE)
        elif path.startswith("/internal/organisations/"):
            call.headers[SESSION_HEADER] = api.session_of()
            call.path = {
                "org_id": DEMO_ORG,
                "user_id": _user_id(app, OLLE),
                "invitation_id": _pending_invitation_id(app),
            }
        elif path == "/internal/links/{purpose}/check":
            call.path = {"purpose": "reset"}
            call.body["token"] = _fresh_link_token(app, "reset", OLLE)
        else:
            purpose = {
                "/internal/password-resets/complete": "reset",
                "/internal/verifications": "verify",
                "/internal/invitations/complete": "invite",
                "/internal/invitations/decline": "invite",
            }.get(path)
            if purpose:
                call.body["token"] = _fresh_link_token(app, purpose, OLLE)
        return call

    assert body_problems(api.client, document, prepare) == []


def test_answers_of_operations_without_a_body_fit_the_document(app, api, document):
    olle = _user_id(app, OLLE)
    calls = [
        (
            "get",
            "/internal/organisations/{org_id}",
            f"/internal/organisations/{DEMO_ORG}",
            api.session_of(),
        ),
        (
            "get",
            "/internal/organisations/{org_id}/apps",
            f"/internal/organisations/{DEMO_ORG}/apps",
            "ended",
        ),
        (
            "get",
            "/internal/organisations/{org_id}/apps",
            f"/internal/organisations/{DEMO_ORG}/apps",
            api.session_of(),
        ),
        (
            "delete",
            "/internal/organisations/{org_id}/members/{user_id}",
            f"/internal/organisations/{DEMO_ORG}/members/{olle}",
            api.session_of(OLLE),
        ),
        (
            "delete",
            "/internal/organisations/{org_id}/members/{user_id}",
            f"/internal/organisations/{DEMO_ORG}/members/{olle}",
            api.session_of(),
        ),
    ]
    statuses = []
    for method, path, url, session in calls:
        answer = api.call(method.upper(), url, session=session)
        statuses.append(answer.status_code)
        operation = document["paths"][path][method]
        assert response_problems(document, operation, f"{method} {path}", answer) == []
    assert statuses == [200, 401, 200, 403, 204]
