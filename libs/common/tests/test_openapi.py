"""servicekit.openapi on a small app: the document it serves and the checks services run on it."""

import pytest
from flask import Blueprint, jsonify, request
from marshmallow import EXCLUDE, Schema, fields
from servicekit import callers, openapi
from servicekit.app import create_service_app
from servicekit.http import INTERNAL_KEY_HEADER
from servicekit.openapi_checks import (
    Call,
    body_problems,
    route_problems,
    validation_problems,
)

KEY = "test-key-" + "k" * 32


class NoteIn(Schema):
    """A note to add."""

    class Meta:
        unknown = EXCLUDE

    text = fields.String(required=True, metadata={"example": "Hej"})
    colour = fields.String(metadata={"example": "blue"})


class NoteOut(Schema):
    id = fields.Integer()
    text = fields.String()


def _app(*, lenient: bool = False, undocumented: bool = False):
    app = create_service_app("notes", database_url=None, migrations=None, amqp_url=None)
    bp = Blueprint("notes", __name__, url_prefix="/internal/books/<int:book>")
    callers.guard(
        bp, {"gateway": KEY}, {v: {"gateway"} for v in ("add_note", "get_note", "delete_note")}
    )

    @bp.post("/notes")
    @openapi.operation(body=NoteIn, responses={201: NoteOut}, errors=(404, 422))
    def add_note(book: int):
        """Add a note.

        The note is kept with the book."""
        body = request.get_json(silent=True) or {}
        if lenient:
            body.setdefault("text", "")
        note = NoteIn().load(body)
        return jsonify(id=book, text=note["text"]), 201

    @bp.get("/notes/<note_id>")
    @openapi.operation(
        responses={200: NoteOut},
        session=True,
        path={"note_id": {"format": "uuid", "description": "The note."}},
    )
    def get_note(book: int, note_id: str):
        return jsonify(id=book, text="Hej")

    if undocumented:

        @bp.delete("/notes/<note_id>")
        def delete_note(book: int, note_id: str):
            return "", 204

    app.register_blueprint(bp)
    openapi.serve(app, title="notes", description="Notes of books.")
    return app


def _prepare(method: str, path: str) -> Call:
    return Call(path={"book": "7"}, headers={INTERNAL_KEY_HEADER: KEY})


def test_the_document_is_served_without_the_internal_key_and_is_valid_openapi():
    response = _app().test_client().get("/openapi.json")
    assert response.status_code == 200
    document = response.get_json()
    assert document["openapi"].startswith("3.")
    assert document["info"] == {
        "title": "notes",
        "version": "1.0",
        "description": "Notes of books.",
    }
    assert validation_problems(document) == []


def test_operations_carry_path_parameters_security_session_header_and_shared_errors():
    document = openapi.document(_app())
    add = document["paths"]["/internal/books/{book}/notes"]["post"]
    assert add["summary"] == "Add a note."
    assert add["parameters"] == [
        {"in": "path", "name": "book", "required": True, "schema": {"type": "integer"}}
    ]
    assert add["security"] == [{"internalKey": []}]
    assert add["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/NoteIn"
    }
    assert add["responses"]["422"] == {"$ref": "#/components/responses/InvalidInput"}
    assert add["responses"]["401"] == {"$ref": "#/components/responses/Unauthorized"}
    get = document["paths"]["/internal/books/{book}/notes/{note_id}"]["get"]
    assert {"$ref": "#/components/parameters/SessionToken"} in get["parameters"]
    assert get["parameters"][1]["schema"] == {"type": "string", "format": "uuid"}
    assert get["parameters"][1]["description"] == "The note."
    assert document["components"]["schemas"]["NoteIn"]["description"] == "A note to add."
    assert "description" not in document["components"]["schemas"]["NoteOut"]
    scheme = document["components"]["securitySchemes"]["internalKey"]
    assert (scheme["in"], scheme["name"]) == ("header", "X-Internal-Key")
    assert "Retry-After" in document["components"]["responses"]["Throttled"]["headers"]


def test_every_route_is_documented_and_nothing_else():
    app = _app()
    assert route_problems(app, openapi.document(app)) == []


def test_a_route_without_a_description_is_named():
    app = _app(undocumented=True)
    assert route_problems(app, openapi.document(app)) == [
        "DELETE /internal/books/{book}/notes/{note_id} is served but not documented"
    ]


def test_the_example_is_accepted_and_a_missing_required_field_is_refused_naming_it():
    app = _app()
    assert body_problems(app.test_client(), openapi.document(app), _prepare) == []


def test_a_route_that_accepts_a_body_without_a_required_field_is_named():
    app = _app(lenient=True)
    problems = body_problems(app.test_client(), openapi.document(app), _prepare)
    assert len(problems) == 1
    assert problems[0].startswith(
        "POST /internal/books/{book}/notes without text: expected 422 naming text, got 201"
    )


def test_an_answer_that_does_not_fit_the_document_is_named():
    app = _app()
    prepare = lambda method, path: Call(path={"book": "7"})  # noqa: E731 - no key: 401
    document = openapi.document(app)
    del document["paths"]["/internal/books/{book}/notes"]["post"]["responses"]["401"]
    problems = body_problems(app.test_client(), document, prepare)
    assert "POST /internal/books/{book}/notes: answered 401, which is not documented" in problems


def test_an_error_answer_that_is_not_described_is_refused_when_the_view_is_described():
    with pytest.raises(ValueError, match="418"):
        openapi.operation(errors=(404, 418))
