"""The auth service's internal HTTP API, called by the gateway with its own credential.

Organisation and account endpoints act for the person whose session token comes in
`X-Session-Token`: the session is resolved here again, so no caller can act for another
organisation or user.
"""

import ipaddress
import uuid

from flask import Blueprint, current_app, jsonify, request
from servicekit import assertions, callers, openapi
from servicekit.security import ANONYMOUS, security_event
from servicekit.web import error_response

from auth import schemas
from auth.bootstrap import AuthContext
from auth.domain.errors import AuthError, Forbidden, InvalidInput, NotFound, Throttled
from auth.handlers import account, organisation, recovery, sessions, signup

SESSION_HEADER = openapi.SESSION_HEADER
LINK_PURPOSES = ("reset", "verify", "invite")
DESCRIPTION = """The auth service: organisations, their users and roles, log-in and sessions, and
the mailed links (password reset, e-mail verification, invitation), and the signed assertions of
who starts an action in tokens or settings. Only the gateway calls it, with its own credential.
Organisation and account operations act for the person whose session token comes in
`X-Session-Token`: the session is resolved here again."""
# A malformed id is answered as one that does not exist.
ORG = {"format": "uuid", "description": "The organisation; the session's own, or 403."}
ORG_MEMBER = {"org_id": ORG, "user_id": {"format": "uuid", "description": "The member's user."}}


_GATEWAY = frozenset({"gateway"})
# Which caller may call which route (view name -> callers); a route not listed is refused.
ALLOWED = {
    "login": _GATEWAY,
    "resolve": _GATEWAY,
    "assert_action": _GATEWAY,
    "end": _GATEWAY,
    "change_password": _GATEWAY,
    "request_reset": _GATEWAY,
    "complete_reset": _GATEWAY,
    "check_link": _GATEWAY,
    "register": _GATEWAY,
    "verify": _GATEWAY,
    "accept_invitation": _GATEWAY,
    "org_overview": _GATEWAY,
    "org_apps": _GATEWAY,
    "invite": _GATEWAY,
    "remove_member": _GATEWAY,
    "change_role": _GATEWAY,
}


def _ctx() -> AuthContext:
    return current_app.extensions["auth"]


def _body() -> dict:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return {}
    return {k: v if isinstance(v, str) else "" for k, v in body.items()}


def _client_address(body: dict) -> str:
    """The browser's address as the gateway saw it: an IP address (or none), since it keys the
    throttles; anything else is refused."""
    raw = body.get("client_address", "")
    if raw:
        try:
            ipaddress.ip_address(raw)
        except ValueError:
            raise InvalidInput(fields={"client_address": "Not an IP address."}) from None
    return raw


def _actor() -> dict:
    return sessions.resolve_session(_ctx(), request.headers.get(SESSION_HEADER))


def _uuid(value: str) -> str:
    try:
        return str(uuid.UUID(value))
    except ValueError:
        raise NotFound() from None


def build_blueprint(credentials: dict[str, str]) -> Blueprint:
    bp = Blueprint("internal", __name__, url_prefix="/internal")
    callers.guard(bp, credentials, ALLOWED)

    @bp.errorhandler(AuthError)
    def _auth_error(exc: AuthError):
        response, status = error_response(exc.status, exc.code, exc.message, exc.fields)
        if isinstance(exc, Throttled):
            response.headers["Retry-After"] = str(exc.retry_after)
            security_event(
                "throttled",
                actor=ANONYMOUS,
                target=request.url_rule.rule if request.url_rule else request.path,
                client_address=_body().get("client_address"),
                retry_after=str(exc.retry_after),
            )
        return response, status

    @bp.post("/login")
    @openapi.operation(
        body=schemas.LoginIn, responses={200: schemas.LoginOut}, errors=(403, 422, 429)
    )
    def login():
        """Log in: a new session.

        A wrong user name or password is 401 `invalid_credentials`, the same for every reason;
        an e-mail address not yet verified is 403 `email_not_verified`."""
        body = _body()
        result = sessions.log_in(
            _ctx(), body.get("identifier"), body.get("password"), _client_address(body)
        )
        return jsonify(result)

    @bp.post("/sessions/resolve")
    @openapi.operation(body=schemas.SessionTokenIn, responses={200: schemas.SessionOut})
    def resolve():
        """Who the session belongs to and the apps of their organisation (what every page
        needs, in one call); an ended or unknown session is 401 `session_invalid`."""
        token = _body().get("session_token")
        return jsonify(sessions.resolve_session(_ctx(), token, with_apps=True))

    @bp.post("/orgs/<org_id>/assertions")
    @openapi.operation(
        body=schemas.AssertionIn,
        responses={200: schemas.AssertionOut},
        errors=(403, 404, 422),
        session=True,
        path={"org_id": ORG},
    )
    def assert_action(org_id: str):
        """Vouch for who starts an action in the organisation: the session's person, signed.

        The action's service (tokens or settings) checks the signature and takes the person,
        their organisation and role from it, so the gateway's word alone moves nothing."""
        action = schemas.AssertionIn().load(request.get_json(silent=True) or {})["action"]
        actor = _actor()
        if actor["org_id"] != _uuid(org_id):
            raise Forbidden()
        signing_key = current_app.config["ACTION_SIGNING_KEY"]
        token = request.headers.get(SESSION_HEADER, "")
        return jsonify(assertions.sign(signing_key, action, actor, token))

    @bp.post("/sessions/end")
    @openapi.operation(body=schemas.SessionTokenIn, responses={204: None})
    def end():
        """Log out: the session ends (an unknown one is answered the same)."""
        sessions.log_out(_ctx(), _body().get("session_token"))
        return "", 204

    @bp.post("/account/password")
    @openapi.operation(
        body=schemas.ChangePasswordIn,
        responses={200: schemas.PasswordChanged},
        errors=(422, 429),
        session=True,
    )
    def change_password():
        """Change the signed-in user's own password.

        Every other session of the user ends; this one goes on under the returned new id."""
        body = _body()
        result = account.change_password(
            _ctx(),
            request.headers.get(SESSION_HEADER),
            body.get("current_password", ""),
            body.get("new_password", ""),
            _client_address(body),
        )
        return jsonify(result)

    @bp.post("/password-resets")
    @openapi.operation(
        body=schemas.ResetRequestIn, responses={202: schemas.Accepted}, errors=(422,)
    )
    def request_reset():
        """Mail a password reset link when the account exists."""
        body = _body()
        recovery.request_reset(_ctx(), body.get("identifier"), _client_address(body))
        return jsonify(status="accepted"), 202

    @bp.post("/password-resets/complete")
    @openapi.operation(body=schemas.NewPasswordIn, responses={204: None}, errors=(410, 422))
    def complete_reset():
        """Set a new password with a reset link; every session of the user ends."""
        body = _body()
        recovery.complete_reset(_ctx(), body.get("token"), body.get("password", ""))
        return "", 204

    @bp.post("/links/<purpose>/check")
    @openapi.operation(
        body=schemas.TokenIn,
        responses={200: schemas.LinkOut},
        errors=(404, 410),
        path={"purpose": {"enum": list(LINK_PURPOSES)}},
    )
    def check_link(purpose: str):
        """What the page behind a mailed link shows; the link stays usable."""
        if purpose not in LINK_PURPOSES:
            raise NotFound()
        return jsonify(recovery.check_link(_ctx(), purpose, _body().get("token")))

    @bp.post("/registrations")
    @openapi.operation(
        body=schemas.RegistrationIn, responses={202: schemas.Accepted}, errors=(422, 429)
    )
    def register():
        """Register a new customer; a verification link is mailed."""
        body = _body()
        signup.register(_ctx(), body, _client_address(body))
        return jsonify(status="accepted"), 202

    @bp.post("/verifications")
    @openapi.operation(body=schemas.TokenIn, responses={200: schemas.VerifiedOut}, errors=(410,))
    def verify():
        """Verify the e-mail address with its link (this does not log in)."""
        return jsonify(signup.verify_email(_ctx(), _body().get("token")))

    @bp.post("/invitations/complete")
    @openapi.operation(body=schemas.NewPasswordIn, responses={204: None}, errors=(410, 422))
    def accept_invitation():
        """Accept an invitation by choosing a password."""
        body = _body()
        organisation.accept_invitation(_ctx(), body.get("token"), body.get("password", ""))
        return "", 204

    @bp.get("/orgs/<org_id>")
    @openapi.operation(
        responses={200: schemas.OrganisationOut},
        errors=(403, 404),
        session=True,
        path={"org_id": ORG},
    )
    def org_overview(org_id: str):
        """The organisation's details and members."""
        return jsonify(organisation.overview(_ctx(), _actor(), _uuid(org_id)))

    @bp.get("/orgs/<org_id>/apps")
    @openapi.operation(
        responses={200: schemas.AppsOut}, errors=(403, 404), session=True, path={"org_id": ORG}
    )
    def org_apps(org_id: str):
        """The applications the organisation has."""
        return jsonify(apps=organisation.apps(_ctx(), _actor(), _uuid(org_id)))

    @bp.post("/orgs/<org_id>/invitations")
    @openapi.operation(
        body=schemas.InvitationIn,
        responses={201: schemas.Invited},
        errors=(403, 404, 422),
        session=True,
        path={"org_id": ORG},
    )
    def invite(org_id: str):
        """Invite a colleague (administrators only)."""
        actor, org_id, form = _actor(), _uuid(org_id), _body()
        result = organisation.invite(_ctx(), actor, org_id, form)
        # the invited address: the answer no longer says whether it had an account
        target = form.get("email", "")[:254]
        security_event("member_invited", actor=actor["user_id"], target=target, org_id=org_id)
        return jsonify(result), 201

    @bp.delete("/orgs/<org_id>/members/<user_id>")
    @openapi.operation(responses={204: None}, errors=(403, 404, 409), session=True, path=ORG_MEMBER)
    def remove_member(org_id: str, user_id: str):
        """Remove a member and their account (administrators only).

        Removing oneself or the last administrator is 409 `conflict`."""
        actor, org_id, user_id = _actor(), _uuid(org_id), _uuid(user_id)
        organisation.remove_member(_ctx(), actor, org_id, user_id)
        security_event("member_removed", actor=actor["user_id"], target=user_id, org_id=org_id)
        return "", 204

    @bp.put("/orgs/<org_id>/members/<user_id>/role")
    @openapi.operation(
        body=schemas.RoleIn,
        responses={204: None},
        errors=(403, 404, 409, 422),
        session=True,
        path=ORG_MEMBER,
    )
    def change_role(org_id: str, user_id: str):
        """Change a member's role (administrators only); the last administrator stays one."""
        actor, org_id, user_id = _actor(), _uuid(org_id), _uuid(user_id)
        role = _body().get("role", "")
        organisation.change_role(_ctx(), actor, org_id, user_id, role)
        security_event(
            "role_changed", actor=actor["user_id"], target=user_id, org_id=org_id, role=role
        )
        return "", 204

    return bp
