"""Glömt lösenord, and what the page behind any mailed link shows."""

from flask import Blueprint, jsonify
from servicekit import openapi

from auth import schemas
from auth.domain.errors import NotFound
from auth.entrypoints.context import loaded, services
from auth.handlers import invitations, recovery
from auth.handlers.links import PATHS

LINK_PURPOSES = tuple(PATHS)
_REQUEST, _NEW_PASSWORD, _TOKEN = (
    schemas.ResetRequestIn(),
    schemas.NewPasswordIn(),
    schemas.TokenIn(),
)


@openapi.operation(body=schemas.ResetRequestIn, responses={202: schemas.Accepted}, errors=(422,))
def request_reset():
    """Mail a password reset link when the account exists."""
    body = loaded(_REQUEST)
    recovery.request_reset(services(), body["identifier"], body["client_address"])
    return jsonify(status="accepted"), 202


@openapi.operation(body=schemas.NewPasswordIn, responses={204: None}, errors=(410, 422))
def complete_reset():
    """Set a new password with a reset link; every session of the user ends."""
    body = loaded(_NEW_PASSWORD)
    recovery.complete_reset(services(), body["token"], body["password"])
    return "", 204


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
    token = loaded(_TOKEN)["token"]
    if purpose == "invite":
        return jsonify(invitations.describe(services(), token))
    return jsonify(recovery.check_link(services(), purpose, token))


def register(bp: Blueprint) -> None:
    bp.add_url_rule("/password-resets", view_func=request_reset, methods=["POST"])
    bp.add_url_rule("/password-resets/complete", view_func=complete_reset, methods=["POST"])
    bp.add_url_rule("/links/<purpose>/check", view_func=check_link, methods=["POST"])
