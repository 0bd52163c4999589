"""The API's one error table: each error of the service as the HTTP answer callers rely on."""

import pytest
from flask import Flask
from servicekit.web import map_errors
from tokens.domain import errors
from tokens.domain.model import PermanentFailure, TemporaryFailure
from tokens.entrypoints.api import ERRORS


def _answer(error: Exception):
    app = Flask(__name__)
    map_errors(app, ERRORS)

    @app.get("/")
    def fail():
        raise error

    return app.test_client().get("/")


@pytest.mark.parametrize(
    ("error", "status", "code"),
    [
        (errors.NotConnected("none"), 404, "not_connected"),
        (errors.ReauthorizationRequired("Ny Token"), 409, "reauthorization_required"),
        (errors.InvalidRequest("bad"), 422, "invalid_request"),
        (errors.TokensError("other"), 400, "error"),
        (PermanentFailure("Fortnox refused"), 502, "fortnox_failed"),
        (TemporaryFailure("Fortnox answered 503"), 502, "fortnox_failed"),
    ],
)
def test_each_error_has_its_status_and_code(error, status, code):
    answer = _answer(error)
    assert (answer.status_code, answer.json["error"]["code"]) == (status, code)
    assert answer.json["error"]["message"] == error.message
    assert "Retry-After" not in answer.headers


def test_fortnox_unable_to_renew_says_when_to_try_again_rounded_up():
    answer = _answer(errors.TemporarilyUnavailable("Fortnox cannot renew it", retry_after=41.2))
    assert (answer.status_code, answer.json["error"]["code"]) == (503, "temporarily_unavailable")
    assert answer.headers["Retry-After"] == "42"


def test_a_busy_connection_is_503_try_again_in_a_second():
    answer = _answer(errors.LockUnavailable("org"))
    assert answer.status_code == 503
    assert answer.json["error"] == {
        "code": "temporarily_unavailable",
        "message": "The connection is busy; try again shortly.",
    }
    assert answer.headers["Retry-After"] == "1"
