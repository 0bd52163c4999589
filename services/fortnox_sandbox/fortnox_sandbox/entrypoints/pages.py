"""The Fortnox-like pages of GET /oauth-v1/auth: log in, then approve or refuse the scopes."""

from pathlib import Path

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for

from fortnox_sandbox.domain.rules import SCOPES, AuthorizeError
from fortnox_sandbox.handlers import authorize

PACKAGE = Path(__file__).resolve().parent.parent
bp = Blueprint(
    "pages",
    __name__,
    template_folder=str(PACKAGE / "templates"),
    static_folder=str(PACKAGE / "static"),
    static_url_path="/oauth-v1/static",
)
_REMEMBERED_REQUESTS = 5
NOTICES = {
    "bankid": "Inloggning med BankID finns inte i sandlådan. Logga in med användarnamn och lösenord.",
    "forgot": "Sandlådan har ingen lösenordsåterställning. Demo-lösenordet står i README.md.",
}


def _sandbox():
    return current_app.extensions["fortnox_sandbox"]


def _remember(request_id: str) -> None:
    remembered = [r for r in session.get("auth_requests", []) if r != request_id]
    session["auth_requests"] = (remembered + [request_id])[-_REMEMBERED_REQUESTS:]


def _own_request(request_id: str) -> dict:
    """The pending request, but only in the browser that started it."""
    if request_id not in session.get("auth_requests", []):
        raise AuthorizeError("Inloggningen har gått ut. Börja om från integrationen.")
    return authorize.pending(_sandbox(), request_id)


def _login_page(
    request_id: str, *, message: str = "", notice: str = "", username: str = "", status: int = 200
):
    auth_request = _own_request(request_id)
    return render_template(
        "login.html",
        request_id=request_id,
        message=message,
        notice=notice,
        username=username,
        service=auth_request["account_type"] == "service",
    ), status


@bp.get("/oauth-v1/auth")
def start():
    outcome = authorize.start(_sandbox(), request.args.to_dict())
    if isinstance(outcome, authorize.Redirect):
        return redirect(outcome.url)
    _remember(outcome)
    return redirect(url_for("pages.login", request=outcome), 303)


@bp.get("/oauth-v1/auth/login")
def login():
    notice = NOTICES.get(request.args.get("notice", ""), "")
    return _login_page(request.args.get("request", ""), notice=notice)


@bp.post("/oauth-v1/auth/login")
def login_submit():
    request_id = request.form.get("request", "")
    _own_request(request_id)
    username = request.form.get("username", "").strip()
    try:
        authorize.login(_sandbox(), request_id, username, request.form.get("password", ""))
    except authorize.LoginRefused as refused:
        return _login_page(request_id, message=str(refused), username=username, status=401)
    return redirect(url_for("pages.consent", request=request_id), 303)


@bp.get("/oauth-v1/auth/consent")
def consent():
    request_id = request.args.get("request", "")
    auth_request = _own_request(request_id)
    user = authorize.user_of(_sandbox(), auth_request)
    if not user:
        return redirect(url_for("pages.login", request=request_id), 303)
    scopes = [(scope, SCOPES[scope]) for scope in auth_request["scopes"]]
    return render_template(
        "consent.html",
        request_id=request_id,
        user=user,
        scopes=scopes,
        service=auth_request["account_type"] == "service",
        client_id=auth_request["client_id"],
    )


@bp.post("/oauth-v1/auth/consent")
def consent_submit():
    request_id = request.form.get("request", "")
    _own_request(request_id)
    approve = request.form.get("decision") == "approve"
    outcome = authorize.decide(_sandbox(), request_id, approve)
    session["auth_requests"] = [r for r in session.get("auth_requests", []) if r != request_id]
    return redirect(outcome.url, 302)


def render_error(message: str, status: int):
    return render_template("error.html", message=message), status
