"""POST /oauth-v1/token, /oauth-v1/migrate and /oauth-v1/revoke: Basic auth, form bodies."""

from flask import Blueprint, current_app, jsonify, request

from fortnox_sandbox.handlers import revocation, tokens

bp = Blueprint("oauth", __name__)


def _sandbox():
    return current_app.extensions["fortnox_sandbox"]


def _no_store(answer: dict):
    response = jsonify(answer)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"
    return response


@bp.post("/oauth-v1/token")
def token():
    headers = {"TenantId": request.headers.get("TenantId", "")}
    answer = tokens.token(
        _sandbox(), request.headers.get("Authorization"), request.form.to_dict(), headers
    )
    return _no_store(answer)


@bp.post("/oauth-v1/migrate")
def migrate():
    answer = tokens.migrate(
        _sandbox(), request.headers.get("Authorization"), request.form.get("access_token", "")
    )
    return _no_store(answer)


@bp.post("/oauth-v1/revoke")
def revoke():
    return _no_store(
        revocation.revoke(
            _sandbox(),
            request.headers.get("Authorization"),
            request.form.get("token", ""),
            multipart=request.mimetype == "multipart/form-data",
        )
    )
