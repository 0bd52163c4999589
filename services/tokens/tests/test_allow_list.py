"""Who may call which internal route of tokens: the allow-list, row by row. Above all, the
gateway's credential gets no access token and no audit trail."""

import pytest
from servicekit import callers
from servicekit.testing import answer_as, row_problems
from tokens.entrypoints.api import ALLOWED, create_app


@pytest.fixture(scope="module")
def app(tokens_config):
    app = create_app(tokens_config)
    yield app
    app.extensions["db_pool"].close()


def test_every_internal_route_has_a_row(app):
    assert callers.unlisted_views(app, "internal", ALLOWED) == []


@pytest.mark.parametrize("view", sorted(ALLOWED))
def test_only_the_callers_of_the_row_get_through(app, view):
    assert row_problems(app, "internal", view, ALLOWED) == []


def test_the_gateways_credential_gets_no_token_and_no_audit_trail_of_a_live_connection(
    app, connect_org
):
    org_id = connect_org().org_id
    for caller in ("gateway", "settings"):
        assert answer_as(app, "internal.access_token", caller, org_id=org_id) == (
            403,
            "caller_not_allowed",
        )
        assert answer_as(app, "internal.audit", caller, org_id=org_id)[0] == 403
    assert answer_as(app, "internal.access_token", "resultat-finans", org_id=org_id) == (200, "")
    assert answer_as(app, "internal.audit", "operator", org_id=org_id) == (200, "")
