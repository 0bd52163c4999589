"""The REST API under /3/: only what the platform reads (company information)."""

from flask import Blueprint, current_app, jsonify, request

from fortnox_sandbox.handlers import resources

bp = Blueprint("rest", __name__)


@bp.get("/3/companyinformation")
def company_information():
    headers = {
        name: request.headers.get(name, "")
        for name in ("Authorization", "Access-Token", "Client-Secret")
    }
    return jsonify(
        resources.company_information(current_app.extensions["fortnox_sandbox"], headers)
    )
