"""OAuth details of "Ny Token": a state is used up only by the user and session it belongs to,
and an organisation's first connection must be the Fortnox company with its own organisation
number (else refused, and Fortnox's new grant revoked)."""

import secrets
import uuid

from tokens.handlers import connect


def _start(svc, org_id, organisation_number=None):
    user_id, session_ref = str(uuid.uuid4()), secrets.token_urlsafe(12)
    started = connect.start_connect(
        svc, org_id, user_id, session_ref, organisation_number=organisation_number
    )
    return started["authorize_url"], user_id, session_ref


def _complete(svc, answer, user_id, session_ref):
    fortnox_said = {name: getattr(answer, name) for name in ("state", "code", "error")}
    return connect.complete_connect(svc, user_id=user_id, session_ref=session_ref, **fortnox_said)


def test_a_stranger_with_the_victims_state_cannot_use_it_up(svc, fortnox_sandbox):
    tenant = fortnox_sandbox.create_tenant(legacy_token=False)
    org_id = str(uuid.uuid4())
    url, user_id, session_ref = _start(svc, org_id)
    answer = fortnox_sandbox.consent(url, tenant.username, tenant.password)
    stranger = _complete(svc, answer, str(uuid.uuid4()), secrets.token_urlsafe(12))
    other_session = _complete(svc, answer, user_id, secrets.token_urlsafe(12))
    assert (stranger.outcome, other_session.outcome) == ("state_invalid", "state_invalid")
    assert _complete(svc, answer, user_id, session_ref).outcome == "connected"
    assert _complete(svc, answer, user_id, session_ref).outcome == "state_reused"


def test_a_first_connection_to_another_organisation_number_is_refused_and_revoked(
    svc, fortnox_sandbox
):
    tenant = fortnox_sandbox.create_tenant(legacy_token=False)
    org_id = str(uuid.uuid4())
    url, user_id, session_ref = _start(svc, org_id, organisation_number="559192-5788")
    assert tenant.organization_number != "559192-5788"
    outcome = _complete(svc, fortnox_sandbox.consent(url, tenant.username, tenant.password), user_id, session_ref)  # fmt: skip
    assert outcome.outcome == "organisation_mismatch"
    assert outcome.company.organisation_number == tenant.organization_number
    assert svc.store.peek(org_id) is None
    state = fortnox_sandbox.control.tenant_state(tenant.tenant_id)
    assert state["live_refresh_tokens"] == 0
    assert fortnox_sandbox.control.counters(tenant.tenant_id)["revoke_calls"] == 1
    [entry] = [e for e in svc.store.audit_trail(org_id) if e["action"] == "connect"]
    assert entry["outcome"] == "organisation_mismatch"
    assert entry["detail"]["expected_organisation_number"] == "559192-5788"


def test_a_first_connection_with_the_same_number_is_made_however_it_is_written(
    svc, fortnox_sandbox
):
    tenant = fortnox_sandbox.create_tenant(legacy_token=False)
    own = tenant.organization_number.replace("-", "")
    url, user_id, session_ref = _start(svc, str(uuid.uuid4()), organisation_number=own)
    answer = fortnox_sandbox.consent(url, tenant.username, tenant.password)
    assert _complete(svc, answer, user_id, session_ref).outcome == "connected"
