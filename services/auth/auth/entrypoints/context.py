"""What every view of the internal API needs: the services, the body loaded by its schema, the
acting person."""

from flask import current_app, request
from marshmallow import Schema
from servicekit import openapi

from auth.handlers import Services, sessions

SESSION_HEADER = openapi.SESSION_HEADER


def services() -> Services:
    return current_app.extensions["auth"]


def loaded(schema: Schema) -> dict:
    """The request's JSON body as its documenting schema loads it (422 naming what is wrong);
    a body that is not a JSON object counts as an empty one."""
    body = request.get_json(silent=True)
    return schema.load(body if isinstance(body, dict) else {})


def session_token() -> str | None:
    return request.headers.get(SESSION_HEADER)


def actor() -> dict:
    """The person the session in `X-Session-Token` belongs to (401 when it has ended)."""
    return sessions.resolve_session(services(), session_token())
