"""Who may call which internal route of settings: the allow-list, row by row."""

import pytest
from servicekit import callers
from servicekit.testing import row_problems
from settings.entrypoints.internal_api import ALLOWED


def test_every_internal_route_has_a_row(app):
    assert callers.unlisted_views(app, "internal", ALLOWED) == []


@pytest.mark.parametrize("view", sorted(ALLOWED))
def test_only_the_callers_of_the_row_get_through(app, view):
    assert row_problems(app, "internal", view, ALLOWED) == []
