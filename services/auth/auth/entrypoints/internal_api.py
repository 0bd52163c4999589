"""The auth service's internal HTTP API, called by the gateway with its own credential.

One module per feature (sessions, account, recovery, signup, organisations) adds its views to
the one guarded `/internal` blueprint; each view loads its body with the schema that documents it. Organisation and
account endpoints act for the person whose session token comes in `X-Session-Token`: the
session is resolved here again, so no caller can act for another organisation or user.
"""

from flask import Blueprint
from servicekit import callers

from auth.entrypoints import account_api, organisation_api, recovery_api, sessions_api, signup_api
from auth.entrypoints.context import SESSION_HEADER

__all__ = ["DESCRIPTION", "SESSION_HEADER", "build_blueprint"]
DESCRIPTION = """The auth service: organisations, their users and roles, invitations, log-in and
sessions, and the mailed links (password reset, e-mail verification, invitation), and the signed
assertions of who starts an action in tokens or settings. Only the gateway calls it, with its own
credential. Organisation and account operations act for the person whose session token comes in
`X-Session-Token`: the session is resolved here again."""

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
    "decline_invitation": _GATEWAY,
    "org_overview": _GATEWAY,
    "org_apps": _GATEWAY,
    "invite": _GATEWAY,
    "withdraw_invitation": _GATEWAY,
    "remove_member": _GATEWAY,
    "change_role": _GATEWAY,
}
FEATURES = (sessions_api, account_api, recovery_api, signup_api, organisation_api)


def build_blueprint(credentials: dict[str, str]) -> Blueprint:
    """`/internal`, guarded by the callers' credentials, with every feature's views."""
    internal = Blueprint("internal", __name__, url_prefix="/internal")
    callers.guard(internal, credentials, ALLOWED)
    for feature in FEATURES:
        feature.register(internal)
    return internal
