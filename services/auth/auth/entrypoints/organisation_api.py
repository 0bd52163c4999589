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
from auth.handlers import invitations, organisation

_MEMBER = {**openapi.ORG_ID_PATH, "user_id": {"format": "uuid", "description": "The member."}}
_INVITATION = {
    **openapi.ORG_ID_PATH,
    "invitation_id": {"format": "uuid", "description": "The pending invitation."},
}
_ASSERTION, _INVITATION_IN, _ROLE = schemas.AssertionIn(), schemas.InvitationIn(), schemas.RoleIn()
_ACCEPT, _TOKEN = schemas.AcceptInvitationIn(), schemas.TokenIn()
_MEMBER_PATH, _INVITATION_PATH = schemas.MemberPath(), schemas.InvitationPath()


def _user_id(user_id: str) -> str:
    return str(_MEMBER_PATH.load({"user_id": user_id})["user_id"])


def _invitation_id(invitation_id: str) -> str:
    return str(_INVITATION_PATH.load({"invitation_id": invitation_id})["invitation_id"])


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
    result = invitations.invite(services(), me, org_id, form)
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


@openapi.operation(responses={204: None}, errors=(403, 404, 422), session=True, path=_INVITATION)
def withdraw_invitation(org_id: str, invitation_id: str):
    """Withdraw a pending invitation (administrators only): its link stops working."""
    me, org_id, invitation_id = actor(), valid_org_id(org_id), _invitation_id(invitation_id)
    invitations.withdraw(services(), me, org_id, invitation_id)
    security_event("invitation_withdrawn", actor=me["user_id"], target=invitation_id, org_id=org_id)
    return "", 204


@openapi.operation(
    body=schemas.AcceptInvitationIn, responses={204: None}, errors=(410, 409, 422, 429)
)
def accept_invitation():
    """Accept an invitation: a new address by choosing a password, an address with an account
    by its password (the account then moves to the organisation; its organisation's last
    administrator cannot leave, 409 `conflict`)."""
    body = loaded(_ACCEPT)
    invitations.accept(services(), body["token"], body["password"], body["client_address"])
    return "", 204


@openapi.operation(body=schemas.TokenIn, responses={204: None}, errors=(410,))
def decline_invitation():
    """Decline an invitation: it is no longer pending and its link stops working."""
    invitations.decline(services(), loaded(_TOKEN)["token"])
    return "", 204


def register(bp: Blueprint) -> None:
    org = "/organisations/<org_id>"
    bp.add_url_rule(f"{org}/assertions", view_func=assert_action, methods=["POST"])
    bp.add_url_rule(org, view_func=org_overview)
    bp.add_url_rule(f"{org}/apps", view_func=org_apps)
    bp.add_url_rule(f"{org}/invitations", view_func=invite, methods=["POST"])
    bp.add_url_rule(f"{org}/members/<user_id>", view_func=remove_member, methods=["DELETE"])
    bp.add_url_rule(f"{org}/members/<user_id>/role", view_func=change_role, methods=["PUT"])
    bp.add_url_rule(
        f"{org}/invitations/<invitation_id>", view_func=withdraw_invitation, methods=["DELETE"]
    )
    bp.add_url_rule("/invitations/complete", view_func=accept_invitation, methods=["POST"])
    bp.add_url_rule("/invitations/decline", view_func=decline_invitation, methods=["POST"])
