"""Organisation and Administratörer: details, apps, members, roles, invitations, and auth's
signed word on who starts an action. Every route under an organisation acts for the session's
person and refuses any organisation but theirs."""

from flask import Blueprint, current_app, jsonify
from servicekit import assertions, openapi
from servicekit.security import security_event
from servicekit.web import valid_org_id

from auth import schemas
from auth.domain.errors import Forbidden
from auth.entrypoints.context import actor, loaded, services, session_token
from auth.handlers import organisation

_MEMBER = {**openapi.ORG_ID_PATH, "user_id": {"format": "uuid", "description": "The member."}}
_ASSERTION, _INVITATION_IN, _ROLE, _MEMBER_PATH = (
    schemas.AssertionIn(),
    schemas.InvitationIn(),
    schemas.RoleIn(),
    schemas.MemberPath(),
)


def _user_id(user_id: str) -> str:
    return str(_MEMBER_PATH.load({"user_id": user_id})["user_id"])


@openapi.org_operation(
    body=schemas.AssertionIn,
    responses={200: schemas.AssertionOut},
    errors=(403, 404),
    session=True,
)
def assert_action(org_id: str):
    """Vouch for who starts an action in the organisation: the session's person, signed.

    The action's service (tokens or settings) checks the signature and takes the person,
    their organisation and role from it, so the gateway's word alone moves nothing."""
    org_id = valid_org_id(org_id)
    action = loaded(_ASSERTION)["action"]
    me = actor()
    if me["org_id"] != org_id:
        raise Forbidden()
    signing_key = current_app.config["ACTION_SIGNING_KEY"]
    return jsonify(assertions.sign(signing_key, action, me, session_token() or ""))


@openapi.org_operation(responses={200: schemas.OrganisationOut}, errors=(403, 404), session=True)
def org_overview(org_id: str):
    """The organisation's details, members and pending invitations."""
    return jsonify(organisation.overview(services(), actor(), valid_org_id(org_id)))


@openapi.org_operation(responses={200: schemas.AppsOut}, errors=(403, 404), session=True)
def org_apps(org_id: str):
    """The applications the organisation has."""
    return jsonify(apps=organisation.apps(services(), actor(), valid_org_id(org_id)))


@openapi.org_operation(
    body=schemas.InvitationIn, responses={201: schemas.Invited}, errors=(403, 404), session=True
)
def invite(org_id: str):
    """Invite a colleague (administrators only)."""
    me, org_id = actor(), valid_org_id(org_id)
    form = loaded(_INVITATION_IN)
    result = organisation.invite(services(), me, org_id, form)
    # the invited address: the answer does not say whether it has an account
    target = form["email"][:254]
    security_event("member_invited", actor=me["user_id"], target=target, org_id=org_id)
    return jsonify(result), 201


@openapi.operation(responses={204: None}, errors=(403, 404, 409, 422), session=True, path=_MEMBER)
def remove_member(org_id: str, user_id: str):
    """Remove a member and their account (administrators only).

    Removing oneself or the last administrator is 409 `conflict`."""
    me, org_id, user_id = actor(), valid_org_id(org_id), _user_id(user_id)
    organisation.remove_member(services(), me, org_id, user_id)
    security_event("member_removed", actor=me["user_id"], target=user_id, org_id=org_id)
    return "", 204


@openapi.operation(
    body=schemas.RoleIn,
    responses={204: None},
    errors=(403, 404, 409, 422),
    session=True,
    path=_MEMBER,
)
def change_role(org_id: str, user_id: str):
    """Change a member's role (administrators only); the last administrator stays one."""
    me, org_id, user_id = actor(), valid_org_id(org_id), _user_id(user_id)
    role = loaded(_ROLE)["role"]
    organisation.change_role(services(), me, org_id, user_id, role)
    security_event("role_changed", actor=me["user_id"], target=user_id, org_id=org_id, role=role)
    return "", 204


@openapi.operation(body=schemas.NewPasswordIn, responses={204: None}, errors=(410, 422))
def accept_invitation():
    """Accept an invitation by choosing a password."""
    body = loaded(schemas.NewPasswordIn())
    organisation.accept_invitation(services(), body["token"], body["password"])
    return "", 204


def register(bp: Blueprint) -> None:
    org = "/organisations/<org_id>"
    bp.add_url_rule(f"{org}/assertions", view_func=assert_action, methods=["POST"])
    bp.add_url_rule(org, view_func=org_overview)
    bp.add_url_rule(f"{org}/apps", view_func=org_apps)
    bp.add_url_rule(f"{org}/invitations", view_func=invite, methods=["POST"])
    bp.add_url_rule(f"{org}/members/<user_id>", view_func=remove_member, methods=["DELETE"])
    bp.add_url_rule(f"{org}/members/<user_id>/role", view_func=change_role, methods=["PUT"])
    bp.add_url_rule("/invitations/complete", view_func=accept_invitation, methods=["POST"])
