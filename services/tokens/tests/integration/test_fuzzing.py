"""Schemathesis against the tokens service's /openapi.json with the internal key: no 5xx and
every answer as documented."""

from servicekit import fuzzing
from servicekit.http import INTERNAL_KEY_HEADER
from tokens.entrypoints.api import create_app


def test_generated_requests_get_no_5xx_and_answers_as_documented(tokens_config):
    app = create_app(tokens_config)
    try:
        found = fuzzing.problems(app, {INTERNAL_KEY_HEADER: tokens_config["INTERNAL_API_KEY"]})
    finally:
        app.extensions["db_pool"].close()
    assert found == []
