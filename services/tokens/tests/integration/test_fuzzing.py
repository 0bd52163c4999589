"""Schemathesis against the tokens service's /openapi.json with the internal key: no 5xx and
every answer as documented."""

from servicekit import fuzzing
from servicekit.testing import caller_headers
from tokens.entrypoints.api import create_app


def test_generated_requests_get_no_5xx_and_answers_as_documented(tokens_config):
    app = create_app(tokens_config)
    try:
        found = fuzzing.problems(app, caller_headers("gateway"))
    finally:
        app.extensions["db_pool"].close()
    assert found == []
