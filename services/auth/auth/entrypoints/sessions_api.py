"""Log-in, the session look-up every page needs, and log-out."""

from flask import Blueprint, jsonify
from servicekit import openapi

from auth import schemas
from auth.entrypoints.context import loaded, services
from auth.handlers import sessions

_LOGIN, _SESSION = schemas.LoginIn(), schemas.SessionTokenIn()


@openapi.operation(body=schemas.LoginIn, responses={200: schemas.LoginOut}, errors=(403, 422, 429))
def login():
    """Log in: a new session.

    A wrong user name or password is 401 `invalid_credentials`, the same for every reason;
    an e-mail address not yet verified is 403 `email_not_verified`."""
    body = loaded(_LOGIN)
    result = sessions.log_in(
        services(), body["identifier"], body["password"], body["client_address"]
    )
    return jsonify(result)


@openapi.operation(body=schemas.SessionTokenIn, responses={200: schemas.SessionOut})
def resolve():
    """Who the session belongs to and the apps of their organisation (what every page
    needs, in one call); an ended or unknown session is 401 `session_invalid`."""
    token = loaded(_SESSION)["session_token"]
    return jsonify(sessions.resolve_session(services(), token, with_apps=True))


@openapi.operation(body=schemas.SessionTokenIn, responses={204: None})
def end():
    """Log out: the session ends (an unknown one is answered the same)."""
    sessions.log_out(services(), loaded(_SESSION)["session_token"])
    return "", 204


def register(bp: Blueprint) -> None:
    bp.add_url_rule("/login", view_func=login, methods=["POST"])
    bp.add_url_rule("/sessions/resolve", view_func=resolve, methods=["POST"])
    bp.add_url_rule("/sessions/end", view_func=end, methods=["POST"])
