"""The platform's one input rule (servicekit.hygiene) on a small app of its own."""

import pytest
from flask import jsonify, request
from servicekit.app import create_service_app
from servicekit.hygiene import MAX_DEPTH, allow_newlines, text_problem


@pytest.fixture
def client():
    app = create_service_app("notes", database_url=None, migrations=None, amqp_url=None)
    allow_newlines(app, "body")

    @app.post("/notes")
    def add_note():
        return jsonify(request.get_json(silent=True) or request.form.to_dict())

    return app.test_client()


def refused_field(response) -> str:
    assert response.status_code == 400, response.get_json()
    error = response.get_json()["error"]
    assert error["code"] == "malformed_input"
    (field,) = error["fields"]
    return field


@pytest.mark.parametrize(
    "text, problem",
    [
        ("plain text, åäö, 😀", False),
        ("a\x00b", True),
        ("a\x1bb", True),
        ("a\x7fb", True),
        ("a\x85b", True),
        ("a\nb", True),
        ("\ud800", True),
        ("x\udfff", True),
        ("\u202e\u200b", False),  # not control characters: fields that care refuse them
    ],
)
def test_what_the_rule_finds_in_single_line_text(text, problem):
    assert (text_problem(text) is not None) == problem


def test_newlines_are_allowed_only_where_a_field_allows_them(client):
    assert client.post("/notes", json={"body": "line 1\r\nline 2\tend"}).status_code == 200
    assert refused_field(client.post("/notes", json={"title": "a\nb"})) == "title"
    assert refused_field(client.post("/notes", json={"body": "a\x00b"})) == "body"


def test_nested_values_and_keys_are_checked(client):
    assert refused_field(client.post("/notes", json={"tags": [{"name": "\ud800"}]})) == "name"
    assert refused_field(client.post("/notes", json={"na\x00me": "x"})) == "_body"


@pytest.mark.parametrize(
    "depth, accepted", [(MAX_DEPTH, True), (MAX_DEPTH + 2, False), (5000, False)]
)
def test_json_depth_is_limited(client, depth, accepted):
    body = "[" * depth + "]" * depth
    response = client.post("/notes", data=body, content_type="application/json")
    assert (response.status_code == 200) == accepted


@pytest.mark.parametrize(
    "raw", [b'{"a": "\xff"}', b'{"a": "\xed\xa0\x80"}', b'{"a": ', b"\xef\xbb\xbf{}x"]
)
def test_json_that_is_not_utf8_or_not_json_is_refused(client, raw):
    assert (
        refused_field(client.post("/notes", data=raw, content_type="application/json")) == "_body"
    )


def test_forms_and_query_strings_are_checked_as_sent(client):
    form = "application/x-www-form-urlencoded"
    assert client.post("/notes", data="title=%C3%A5sa", content_type=form).status_code == 200
    assert refused_field(client.post("/notes", data="title=%ff", content_type=form)) == "_form"
    assert refused_field(client.post("/notes", data="title=a%00", content_type=form)) == "title"
    assert refused_field(client.post("/notes?x=%ED%A0%80", json={})) == "_query"
    too_many = "&".join(f"f{n}=x" for n in range(250))
    assert refused_field(client.post("/notes", data=too_many, content_type=form)) == "_form"


def test_a_body_over_the_limit_is_413(client):
    response = client.post("/notes", json={"body": "x" * 300_000})
    assert response.status_code == 413
    assert "error" in response.get_json()
