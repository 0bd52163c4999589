"""Ny kund: registration and the e-mail verification that follows it."""

from flask import Blueprint, jsonify
from servicekit import openapi

from auth import schemas
from auth.entrypoints.context import loaded, services
from auth.handlers import signup

_REGISTRATION, _TOKEN = schemas.RegistrationIn(), schemas.TokenIn()


@openapi.operation(
    body=schemas.RegistrationIn, responses={202: schemas.Accepted}, errors=(422, 429)
)
def register_customer():
    """Register a new customer; a verification link is mailed."""
    form = loaded(_REGISTRATION)
    signup.register(services(), form, form["client_address"])
    return jsonify(status="accepted"), 202


@openapi.operation(body=schemas.TokenIn, responses={200: schemas.VerifiedOut}, errors=(410,))
def verify():
    """Verify the e-mail address with its link (this does not log in)."""
    return jsonify(signup.verify_email(services(), loaded(_TOKEN)["token"]))


def register(bp: Blueprint) -> None:
    bp.add_url_rule("/registrations", "register", view_func=register_customer, methods=["POST"])
    bp.add_url_rule("/verifications", view_func=verify, methods=["POST"])
