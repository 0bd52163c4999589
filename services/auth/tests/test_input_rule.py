"""The platform's input rule on the auth service's real routes: broken text and absurd JSON are
refused with 400 in the error shape, and nothing is stored or counted."""

import pytest

from .conftest import PASSWORD, rows

LONE_SURROGATE = "\ud800x"
DEEP_JSON = "[" * 2000 + "]" * 2000


def assert_refused(response, field: str | None = None) -> None:
    assert response.status_code == 400, response.get_json()
    error = response.get_json()["error"]
    assert error["code"] == "malformed_input"
    if field:
        assert field in error["fields"], error


def activity(app) -> tuple:
    return (
        rows(app, "SELECT count(*) AS n FROM sessions")[0]["n"],
        rows(app, "SELECT count(*) AS n FROM throttle_events")[0]["n"],
    )


@pytest.mark.parametrize(
    "body, field",
    [
        ({"identifier": LONE_SURROGATE, "password": PASSWORD}, "identifier"),
        ({"identifier": "900232", "password": LONE_SURROGATE}, "password"),
        ({"identifier": "900232\x00", "password": PASSWORD}, "identifier"),
        (
            {"identifier": "900232", "password": PASSWORD, "client_address": "1.2.3.4\x00"},
            "client_address",
        ),
        ({"identifier": "900232", "password": "a\nb"}, "password"),
    ],
)
def test_a_log_in_with_broken_text_is_refused_and_leaves_no_trace(api, demo, body, field):
    before = activity(api.app)
    assert_refused(api.post("/internal/login", body), field)
    assert activity(api.app) == before


@pytest.mark.parametrize("path", ["/internal/sessions/resolve", "/internal/sessions/end"])
def test_a_lone_surrogate_session_token_is_refused(api, demo, path):
    session = api.session_of()
    assert_refused(api.post(path, {"session_token": LONE_SURROGATE}), "session_token")
    assert api.post("/internal/sessions/resolve", {"session_token": session}).status_code == 200


@pytest.mark.parametrize(
    "raw",
    [
        DEEP_JSON,
        '{"a":' * 2000 + "1" + "}" * 2000,
        "[" * 40 + "]" * 40,
        b'{"identifier": "\xff\xfe", "password": "x"}',
        b'{"identifier": "\xed\xa0\x80", "password": "x"}',
    ],
)
def test_json_too_deep_or_not_utf8_is_refused(api, demo, raw):
    response = api.client.post(
        "/internal/login",
        data=raw,
        content_type="application/json",
        headers={"X-Internal-Key": "test-internal-key"},
    )
    assert_refused(response, "_body")


def test_a_body_over_the_limit_is_413_in_the_error_shape(api, demo):
    body = {"identifier": "900232", "password": "x" * 300_000}
    response = api.post("/internal/login", body)
    assert response.status_code == 413
    assert "error" in response.get_json()
    assert activity(api.app) == (0, 0)


def test_a_nul_in_the_query_string_is_refused_before_the_route(api, demo):
    session = api.session_of()
    response = api.client.get(
        "/internal/organisations/00000000-0000-4000-8000-000000000001?x=%00",
        headers={"X-Internal-Key": "test-internal-key", "X-Session-Token": session},
    )
    assert_refused(response, "x")


def test_nordic_letters_and_emoji_pass_the_rule(api, demo):
    response = api.post(
        "/internal/login", {"identifier": "åsa.öberg😀@example.se", "password": "x"}
    )
    assert response.status_code == 401


@pytest.mark.parametrize("address", ["x" * 5000, "not an address", "198.51.100.7; DROP", "::1::"])
def test_a_client_address_that_is_no_ip_address_is_refused(api, demo, address):
    before = activity(api.app)
    body = {"identifier": "900232", "password": PASSWORD, "client_address": address}
    response = api.post("/internal/login", body)
    assert response.status_code == 422
    assert "client_address" in response.get_json()["error"]["fields"]
    assert activity(api.app) == before
