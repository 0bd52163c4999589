"""servicekit.callers: one credential per caller, an allow-list per service, refusal at start."""

import logging

import pytest
from flask import Blueprint, Flask, jsonify
from servicekit import callers, fuzzing, openapi
from servicekit.testing import CALLER_KEYS, answer_as, caller_headers
from servicekit.web import install_platform

KEYS = {
    "gateway": CALLER_KEYS["GATEWAY_INTERNAL_KEY"],
    "settings": CALLER_KEYS["SETTINGS_INTERNAL_KEY"],
}


def _app(allowed: dict) -> Flask:
    app = Flask("probe")
    install_platform(app, "probe")
    bp = Blueprint("internal", __name__, url_prefix="/internal")
    callers.guard(bp, KEYS, allowed)

    @bp.get("/notes/<note_id>")
    def read_note(note_id: str):
        return jsonify(id=note_id)

    @bp.post("/notes")
    def add_note():
        return jsonify(added=True), 201

    app.register_blueprint(bp)
    return app


def test_a_caller_on_the_row_gets_through_and_one_off_it_is_403_and_logged(caplog):
    caplog.set_level(logging.INFO, logger="security")
    app = _app({"read_note": {"gateway", "settings"}, "add_note": {"settings"}})
    assert answer_as(app, "internal.read_note", "gateway")[0] == 200
    assert answer_as(app, "internal.add_note", "settings")[0] == 201
    assert answer_as(app, "internal.add_note", "gateway") == (403, "caller_not_allowed")
    (event,) = [r for r in caplog.records if hasattr(r, "security_event")]
    assert (event.security_event, event.actor, event.target, event.client_address) == (
        "internal_call_refused",
        "gateway",
        "POST /internal/notes",
        "127.0.0.1",
    )
    assert KEYS["gateway"] not in caplog.text
    metrics = app.test_client().get("/metrics").get_data(as_text=True)
    assert 'security_events_total{event="internal_call_refused",service="probe"}' in metrics


def test_a_route_without_a_row_is_refused_to_every_caller_and_named():
    app = _app({"read_note": {"gateway"}})
    assert callers.unlisted_views(app, "internal", {"read_note": {"gateway"}}) == ["add_note"]
    for caller in KEYS:
        assert answer_as(app, "internal.add_note", caller) == (403, "caller_not_allowed")


@pytest.mark.parametrize(
    "headers", [{}, {"X-Internal-Key": ""}, {"X-Internal-Key": "x" * 43}], ids=str
)
def test_no_empty_or_unknown_credential_names_a_caller(headers):
    answer = (
        _app({"read_note": {"gateway"}}).test_client().get("/internal/notes/1", headers=headers)
    )
    assert answer.status_code == 401
    assert answer.get_json()["error"]["code"] == "unauthorized"


def test_a_caller_the_service_does_not_know_is_401_even_for_an_open_route():
    client = _app({"read_note": {"gateway", "operator"}}).test_client()
    answer = client.get("/internal/notes/1", headers=caller_headers("operator"))
    assert answer.status_code == 401


@pytest.mark.parametrize("value", [None, "", " " * 40, "short-but-not-empty"], ids=repr)
def test_a_missing_empty_or_short_credential_refuses_to_start_naming_its_variable(value):
    with pytest.raises(RuntimeError, match="GATEWAY_INTERNAL_KEY"):
        callers.check("auth", {"gateway": value})


def test_credentials_are_read_by_variable_and_keyed_by_caller():
    environ = {"GATEWAY_INTERNAL_KEY": "g" * 40}
    read = callers.read(environ, "GATEWAY_INTERNAL_KEY", "OPERATOR_INTERNAL_KEY")
    assert read == {"gateway": "g" * 40, "operator": None}
    assert callers.check("auth", {"gateway": "g" * 40}) == {"gateway": "g" * 40}


def test_during_a_rotation_either_credential_is_accepted_and_the_new_one_presented():
    new, old = "n" * 40, "o" * 40
    app = Flask("rotation")
    install_platform(app, "rotation")
    bp = Blueprint("internal", __name__)
    callers.guard(bp, callers.check("auth", {"gateway": f"{new},{old}"}), {"ping": {"gateway"}})

    @bp.get("/ping")
    def ping():
        return "pong"

    app.register_blueprint(bp)
    client = app.test_client()
    for key in (new, old):
        assert client.get("/ping", headers={"X-Internal-Key": key}).status_code == 200
    assert client.get("/ping", headers={"X-Internal-Key": f"{new},{old}"}).status_code == 401
    assert callers.own("gateway", "gateway", f"{new},{old}") == new
    with pytest.raises(RuntimeError, match="too short"):
        callers.check("auth", {"gateway": f"{new},short"})


def test_fuzzing_calls_each_route_as_every_caller_its_row_admits():
    """A bug only the settings caller can reach (the gateway is refused there) is found."""
    app = Flask("probe")
    install_platform(app, "probe")
    bp = Blueprint("internal", __name__, url_prefix="/internal")
    callers.guard(bp, KEYS, {"settle": {"settings"}, "look": {"gateway", "settings"}})

    @bp.post("/settle")
    @openapi.operation()
    def settle():
        """Broken for whoever gets through."""
        raise RuntimeError("a bug")

    @bp.get("/look")
    @openapi.operation()
    def look():
        """Fine for both."""
        return jsonify({})

    app.register_blueprint(bp)
    openapi.serve(app, title="probe")
    assert callers.admitted(app, "internal.look") == {
        "gateway": KEYS["gateway"],
        "settings": KEYS["settings"],
    }
    found = fuzzing.problems(app, caller_headers("gateway"), max_examples=2)
    assert found and all(line.startswith("POST /internal/settle as settings") for line in found)
