"""Schemathesis against the settings service's /openapi.json with the internal key: no 5xx and
every answer as documented."""

from servicekit import fuzzing
from servicekit.http import INTERNAL_KEY_HEADER

from .conftest import INTERNAL_KEY


def test_generated_requests_get_no_5xx_and_answers_as_documented(app):
    assert fuzzing.problems(app, {INTERNAL_KEY_HEADER: INTERNAL_KEY}) == []
