"""Konto: the signed-in user's own password."""

from flask import Blueprint, jsonify
from servicekit import openapi

from auth import schemas
from auth.entrypoints.context import loaded, services, session_token
from auth.handlers import account

_CHANGE = schemas.ChangePasswordIn()


@openapi.operation(
    body=schemas.ChangePasswordIn,
    responses={200: schemas.PasswordChanged},
    errors=(422, 429),
    session=True,
)
def change_password():
    """Change the signed-in user's own password.

    Every other session of the user ends; this one goes on under the returned new id."""
    body = loaded(_CHANGE)
    result = account.change_password(
        services(),
        session_token(),
        body["current_password"],
        body["new_password"],
        body["client_address"],
    )
    return jsonify(result)


def register(bp: Blueprint) -> None:
    bp.add_url_rule("/account/password", view_func=change_password, methods=["POST"])
