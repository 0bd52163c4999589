"""The auth service's internal HTTP API, called by the gateway with the internal key.

Organisation and account endpoints act for the person whose session token comes in
`X-Session-Token`: the session is resolved here again, so no caller can act for another
organisation or user.
"""

import uuid

from flask import Blueprint, current_app, jsonify, request
from servicekit.web import error_response, require_internal_key

from auth.bootstrap import AuthContext
from auth.domain.errors import AuthError, NotFound, Throttled
from auth.handlers import account, organisation, recovery, sessions, signup

SESSION_HEADER = "X-Session-Token"
LINK_PURPOSES = ("reset", "verify", "invite")


def _ctx() -> AuthContext:
    return current_app.extensions["auth"]


def _body() -> dict:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return {}
    return {k: v if isinstance(v, str) else "" for k, v in body.items()}


def _actor() -> dict:
    return sessions.resolve_session(_ctx(), request.headers.get(SESSION_HEADER))


def _uuid(value: str) -> str:
    try:
        return str(uuid.UUID(value))
    except ValueError:
        raise NotFound() from None


def build_blueprint(internal_key: str) -> Blueprint:
    bp = Blueprint("internal", __name__, url_prefix="/internal")
    require_internal_key(bp, internal_key)

    @bp.errorhandler(AuthError)
    def _auth_error(exc: AuthError):
        response, status = error_response(exc.status, exc.code, exc.message, exc.fields)
        if isinstance(exc, Throttled):
            response.headers["Retry-After"] = str(exc.retry_after)
        return response, status

    @bp.post("/login")
    def login():
        body = _body()
        result = sessions.log_in(
            _ctx(), body.get("identifier"), body.get("password"), body.get("client_address", "")
        )
        return jsonify(result)

    @bp.post("/sessions/resolve")
    def resolve():
        return jsonify(sessions.resolve_session(_ctx(), _body().get("session_token")))

    @bp.post("/sessions/end")
    def end():
        sessions.log_out(_ctx(), _body().get("session_token"))
        return "", 204

    @bp.post("/account/password")
    def change_password():
        body = _body()
        result = account.change_password(
            _ctx(),
            request.headers.get(SESSION_HEADER),
            body.get("current_password", ""),
            body.get("new_password", ""),
            body.get("client_address", ""),
        )
        return jsonify(result)

    @bp.post("/password-resets")
    def request_reset():
        body = _body()
        recovery.request_reset(_ctx(), body.get("identifier"), body.get("client_address", ""))
        return jsonify(status="accepted"), 202

    @bp.post("/password-resets/complete")
    def complete_reset():
        body = _body()
        recovery.complete_reset(_ctx(), body.get("token"), body.get("password", ""))
        return "", 204

    @bp.post("/links/<purpose>/check")
    def check_link(purpose: str):
        if purpose not in LINK_PURPOSES:
            raise NotFound()
        return jsonify(recovery.check_link(_ctx(), purpose, _body().get("token")))

    @bp.post("/registrations")
    def register():
        body = _body()
        signup.register(_ctx(), body, body.get("client_address", ""))
        return jsonify(status="accepted"), 202

    @bp.post("/verifications")
    def verify():
        return jsonify(signup.verify_email(_ctx(), _body().get("token")))

    @bp.post("/invitations/complete")
    def accept_invitation():
        body = _body()
        organisation.accept_invitation(_ctx(), body.get("token"), body.get("password", ""))
        return "", 204

    @bp.get("/orgs/<org_id>")
    def org_overview(org_id: str):
        return jsonify(organisation.overview(_ctx(), _actor(), _uuid(org_id)))

    @bp.get("/orgs/<org_id>/apps")
    def org_apps(org_id: str):
        return jsonify(apps=organisation.apps(_ctx(), _actor(), _uuid(org_id)))

    @bp.post("/orgs/<org_id>/invitations")
    def invite(org_id: str):
        result = organisation.invite(_ctx(), _actor(), _uuid(org_id), _body())
        return jsonify(result), 201

    @bp.delete("/orgs/<org_id>/members/<user_id>")
    def remove_member(org_id: str, user_id: str):
        organisation.remove_member(_ctx(), _actor(), _uuid(org_id), _uuid(user_id))
        return "", 204

    @bp.put("/orgs/<org_id>/members/<user_id>/role")
    def change_role(org_id: str, user_id: str):
        role = _body().get("role", "")
        organisation.change_role(_ctx(), _actor(), _uuid(org_id), _uuid(user_id), role)
        return "", 204

    return bp
