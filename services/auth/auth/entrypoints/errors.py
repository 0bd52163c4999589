"""The auth service's one table from its errors to HTTP answers (servicekit.web.map_errors)."""

from flask import Flask, request
from servicekit.security import ANONYMOUS, security_event
from servicekit.web import map_errors, mapped_error

from auth.domain.errors import (
    AuthError,
    Conflict,
    EmailNotVerified,
    Forbidden,
    InvalidCredentials,
    InvalidInput,
    NotFound,
    SessionInvalid,
    Throttled,
    TokenInvalid,
)

ERRORS = {
    AuthError: 400,
    InvalidInput: 422,
    InvalidCredentials: 401,
    SessionInvalid: 401,
    EmailNotVerified: 403,
    Forbidden: 403,
    NotFound: 404,
    Conflict: 409,
    TokenInvalid: 410,
    Throttled: 429,
}


def register(app: Flask) -> None:
    map_errors(app, ERRORS)
    # A throttled request is answered as the table says, and logged as a security event too.
    app.register_error_handler(Throttled, _throttled)


def _throttled(exc: Throttled):
    body = request.get_json(silent=True)
    security_event(
        "throttled",
        actor=ANONYMOUS,
        target=request.url_rule.rule if request.url_rule else request.path,
        client_address=body.get("client_address") if isinstance(body, dict) else None,
        retry_after=str(exc.retry_after),
    )
    return mapped_error(ERRORS[Throttled], exc)
