"""The interactive connect / upgrade flow ("Ny Token") against the Fortnox sandbox."""

import secrets
import uuid

from tokens.domain.connection import Company
from tokens.handlers import connect, connection_status, handout, imports


def _start(svc, org_id=None, account_type=None):
    org_id = org_id or str(uuid.uuid4())
    user_id, session_ref = str(uuid.uuid4()), secrets.token_urlsafe(12)
    started = connect.start_connect(svc, org_id, user_id, session_ref, account_type)
    return org_id, user_id, session_ref, started


def _complete(svc, answer, user_id, session_ref, **overrides):
    fields = dict(
        state=answer.state,
        code=answer.code,
        error=answer.error,
        user_id=user_id,
        session_ref=session_ref,
    )
    fields.update(overrides)
    return connect.complete_connect(svc, **fields)


def test_authorize_url_asks_for_offline_access_with_the_exact_redirect_uri(svc, tokens_config):
    _org, _user, _session, started = _start(svc)
    url = started["authorize_url"]
    assert url.startswith(tokens_config["FORTNOX_AUTH_URL"] + "/oauth-v1/auth?")
    assert "access_type=offline" in url and "response_type=code" in url
    assert "redirect_uri=http%3A%2F%2F127.0.0.1%3A9%2Ffortnox%2Fcallback" in url
    assert "account_type" not in url


def test_connecting_stores_tokens_reads_the_company_and_publishes(
    svc, fortnox_sandbox, raw, helpers
):
    tenant = fortnox_sandbox.create_tenant(legacy_token=False)
    org_id, user_id, session_ref, started = _start(svc)
    answer = fortnox_sandbox.consent(started["authorize_url"], tenant.username, tenant.password)
    outcome = _complete(svc, answer, user_id, session_ref)
    assert outcome.outcome == "connected"
    assert outcome.company.database_number == str(tenant.tenant_id)
    status = connection_status.status(svc, org_id)
    assert status["token_type"] == "OAuth" and status["access_token_valid"]
    assert status["company_name"] == tenant.company_name
    assert status["organisation_number"] == tenant.organization_number
    types = [e["type"] for e in helpers.events_of(raw, org_id)]
    assert types == ["company.updated", "token.connected"]
    token = handout.hand_out(svc, org_id).access_token
    assert fortnox_sandbox.company_information(token).status_code == 200


def test_upgrading_a_legacy_connection_revokes_nothing_it_needs_and_says_upgraded(
    svc, fortnox_sandbox, raw, helpers
):
    tenant = fortnox_sandbox.create_tenant()
    org_id = str(uuid.uuid4())
    company = Company(tenant.company_name, tenant.organization_number, str(tenant.tenant_id))
    imports.import_legacy(svc, org_id, tenant.legacy_token, company, actor="test")
    assert connection_status.status(svc, org_id)["token_type"] == "Access Token"
    _org, user_id, session_ref, started = _start(svc, org_id)
    answer = fortnox_sandbox.consent(started["authorize_url"], tenant.username, tenant.password)
    outcome = _complete(svc, answer, user_id, session_ref)
    assert outcome.outcome == "upgraded"
    status = connection_status.status(svc, org_id)
    assert status["kind"] == "oauth" and not status["legacy"]
    upgraded = helpers.events_of(raw, org_id, "token.upgraded")
    assert [e["envelope"]["data"]["method"] for e in upgraded] == ["interactive"]
    row = raw.execute("SELECT * FROM connections WHERE org_id = %s", (org_id,)).fetchone()
    assert row["legacy_token"] is None and row["revoke_pending_token"] is None


def test_missing_state_is_refused(svc):
    outcome = connect.complete_connect(
        svc, state=None, code="x", error=None, user_id="u", session_ref="s"
    )
    assert outcome.outcome == "state_missing"


def test_forged_state_is_refused_and_changes_nothing(svc, fortnox_sandbox):
    tenant = fortnox_sandbox.create_tenant(legacy_token=False)
    org_id, user_id, session_ref, started = _start(svc)
    answer = fortnox_sandbox.consent(started["authorize_url"], tenant.username, tenant.password)
    outcome = _complete(svc, answer, user_id, session_ref, state=secrets.token_urlsafe(32))
    assert outcome.outcome == "state_invalid"
    assert svc.store.peek(org_id) is None


def test_state_of_another_session_is_refused(svc, fortnox_sandbox):
    tenant = fortnox_sandbox.create_tenant(legacy_token=False)
    org_id, user_id, _session, started = _start(svc)
    answer = fortnox_sandbox.consent(started["authorize_url"], tenant.username, tenant.password)
    assert _complete(svc, answer, user_id, "another-session").outcome == "state_invalid"
    assert svc.store.peek(org_id) is None


def test_expired_state_is_refused(svc, fortnox_sandbox, raw):
    tenant = fortnox_sandbox.create_tenant(legacy_token=False)
    org_id, user_id, session_ref, started = _start(svc)
    answer = fortnox_sandbox.consent(started["authorize_url"], tenant.username, tenant.password)
    raw.execute(
        "UPDATE oauth_states SET expires_at = now() - interval '1 second' WHERE org_id = %s",
        (org_id,),
    )
    assert _complete(svc, answer, user_id, session_ref).outcome == "state_expired"
    assert svc.store.peek(org_id) is None


def test_reused_state_is_refused(svc, fortnox_sandbox):
    tenant = fortnox_sandbox.create_tenant(legacy_token=False)
    org_id, user_id, session_ref, started = _start(svc)
    answer = fortnox_sandbox.consent(started["authorize_url"], tenant.username, tenant.password)
    assert _complete(svc, answer, user_id, session_ref).outcome == "connected"
    assert _complete(svc, answer, user_id, session_ref).outcome == "state_reused"


def test_refusal_in_fortnox_leaves_the_connection_as_it_was(svc, fortnox_sandbox):
    tenant = fortnox_sandbox.create_tenant()
    org_id = str(uuid.uuid4())
    imports.import_legacy(svc, org_id, tenant.legacy_token, None, actor="test")
    _org, user_id, session_ref, started = _start(svc, org_id)
    answer = fortnox_sandbox.consent(
        started["authorize_url"], tenant.username, tenant.password, approve=False
    )
    assert answer.error == "access_denied"
    assert _complete(svc, answer, user_id, session_ref).outcome == "refused"
    connection = svc.store.peek(org_id)
    assert connection.kind == "legacy" and connection.legacy_token == tenant.legacy_token


def test_code_exchange_failure_is_reported_and_changes_nothing(svc, fortnox_sandbox):
    tenant = fortnox_sandbox.create_tenant(legacy_token=False)
    org_id, user_id, session_ref, started = _start(svc)
    answer = fortnox_sandbox.consent(started["authorize_url"], tenant.username, tenant.password)
    assert fortnox_sandbox.token(answer.code).status_code == 200  # someone used the code first
    outcome = _complete(svc, answer, user_id, session_ref)
    assert outcome.outcome == "exchange_failed"
    assert "invalid_grant" in outcome.detail["reason"]
    assert svc.store.peek(org_id) is None


def test_another_company_than_the_known_one_is_reported_not_accepted(svc, fortnox_sandbox, raw):
    known = fortnox_sandbox.create_tenant()
    other = fortnox_sandbox.create_tenant(legacy_token=False)
    org_id = str(uuid.uuid4())
    company = Company(known.company_name, known.organization_number, str(known.tenant_id))
    imports.import_legacy(svc, org_id, known.legacy_token, company, actor="test")
    _org, user_id, session_ref, started = _start(svc, org_id)
    answer = fortnox_sandbox.consent(started["authorize_url"], other.username, other.password)
    outcome = _complete(svc, answer, user_id, session_ref)
    assert outcome.outcome == "company_mismatch"
    assert outcome.company.name == other.company_name
    assert outcome.company.database_number == str(other.tenant_id)
    connection = svc.store.peek(org_id)
    assert connection.kind == "legacy" and connection.company == company
    trail = svc.store.audit_trail(org_id)
    assert trail[0]["outcome"] == "company_mismatch"
    assert trail[0]["detail"]["connected"]["database_number"] == str(other.tenant_id)
