"""Every class of Fortnox answer over real HTTP: the sandbox answers the variant (OAuth error,
ErrorInformation, proxy text or HTML, empty body, 429 without Retry-After, a hang past our
time-out), and renewal and check act on its class."""

import dataclasses

import pytest
from tokens.handlers import connection_check, connection_status
from tokens.handlers.renewal import renew

RETRIES = 3  # TOKENS_RETRY_ATTEMPTS' default: a temporary fault answers every attempt


def _connection(svc, org_id):
    return svc.store.peek(org_id)


@pytest.mark.parametrize(
    ("fault", "reason_code"),
    [
        ({"status": 400, "error": "invalid_grant"}, "grant_invalid"),
        ({"status": 400, "error": "consent_revoked"}, "consent_withdrawn"),
        ({"status": 403, "body": "empty"}, "refused"),
        ({"status": 403, "body": "html"}, "refused"),
    ],
    ids=["invalid_grant", "consent_revoked", "403-empty", "403-html"],
)
def test_a_refused_refresh_asks_the_customer_for_ny_token(
    svc, connect_org, fortnox_sandbox, fault, reason_code
):
    org_id = connect_org().org_id
    fortnox_sandbox.control.inject_fault("token", **fault)
    connection = renew(svc, org_id, actor="test", force=True)
    assert connection.state == "needs_reauthorization"
    assert connection.reauthorization_code == reason_code
    assert _connection(svc, org_id).reauthorization_code == reason_code


@pytest.mark.parametrize(
    ("fault", "reason_code"),
    [
        ({"status": 401, "error": "invalid_client"}, "client_rejected"),
        ({"status": 401, "body": "empty"}, "client_rejected"),
        ({"status": 400, "error": "unauthorized_client"}, "client_rejected"),
        ({"status": 400, "error": "invalid_request"}, "request_rejected"),
        ({"status": 404, "body": "html"}, "request_rejected"),
    ],
    ids=["invalid_client", "401-empty", "unauthorized_client", "invalid_request", "404-html"],
)
def test_our_client_refused_flags_no_connection(
    svc, connect_org, fortnox_sandbox, fault, reason_code
):
    org_id = connect_org().org_id
    fortnox_sandbox.control.inject_fault("token", **fault)
    connection = renew(svc, org_id, actor="test", force=True)
    assert connection.state == "connected" and connection.health == "ok"
    assert connection.last_failure_code == reason_code and connection.failures == 0
    assert connection.in_cooldown(svc.clock())


@pytest.mark.parametrize(
    ("fault", "reason_code"),
    [
        ({"status": 503, "body": "text"}, "unavailable"),
        ({"status": 502, "body": "html"}, "unavailable"),
        ({"status": 500, "body": "empty"}, "unavailable"),
        ({"status": 429}, "rate_limited"),
        ({"status": 200, "body": "text"}, "malformed_answer"),
        ({"status": None, "hang_seconds": 6}, "timeout"),
    ],
    ids=["503-text", "502-html", "500-empty", "429-no-retry-after", "200-text", "hang"],
)
def test_a_temporary_answer_backs_off_and_keeps_the_connection(
    svc, connect_org, fortnox_sandbox, fault, reason_code
):
    org_id = connect_org().org_id
    count = 1 if fault.get("hang_seconds") else RETRIES  # one hang outlasts the test's time-out
    fortnox_sandbox.control.inject_fault("token", count=count, **fault)
    svc.settings = dataclasses.replace(svc.settings, retry_attempts=count)
    connection = renew(svc, org_id, actor="test", force=True)
    assert connection.state == "connected" and connection.health == "degraded"
    assert connection.last_failure_code == reason_code
    # cooling down from the failure on (the tests' cool-down is short: no race with the clock)
    assert connection.in_cooldown(connection.last_failure_at)


@pytest.mark.parametrize(
    ("fault", "count", "state", "reason_code"),
    [
        ({"status": 403, "body": "error_information", "error": "2000311"}, 2,
         "needs_reauthorization", "authentication_failed"),
        ({"status": 401, "body": "empty"}, 2, "needs_reauthorization", "authentication_failed"),
        ({"status": 403, "body": "error_information", "error": "2001103"}, 1,
         "needs_reauthorization", "license_missing"),
        ({"status": 400, "body": "error_information", "error": "1000030"}, 1,
         "connected", "request_rejected"),
        ({"status": 503, "body": "html"}, 1, "connected", "unavailable"),
    ],
    ids=["403-2000311", "401", "403-no-licence", "400-our-request", "503-html"],
)  # fmt: skip
def test_check_acts_on_the_class_of_the_api_answer(
    svc, connect_org, fortnox_sandbox, fault, count, state, reason_code
):
    org_id = connect_org().org_id
    fortnox_sandbox.control.inject_fault("companyinformation", count=count, **fault)
    result = connection_check.check(svc, org_id, actor="test")
    assert not result.ok and result.reason_code == reason_code
    assert _connection(svc, org_id).state == state
    assert connection_status.status(svc, org_id)["state"] == state
