"""What the test-control API accepts and refuses, read by its schemas; its counters' totals."""

import pytest
from fortnox_sandbox import schemas
from fortnox_sandbox.domain.control import counter_totals
from marshmallow import ValidationError


def refusal(schema, body: dict) -> dict:
    with pytest.raises(ValidationError) as refused:
        schema().load(body)
    return refused.value.messages


def test_a_fault_needs_a_status_or_a_hang_and_ignores_unknown_keys():
    assert refusal(schemas.FaultIn, {"endpoint": "token"}) == {
        "status": ["give a status, hang_seconds, or both"]
    }
    fault = schemas.FaultIn().load({"endpoint": "token", "status": 503, "colour": "red"})
    assert fault == {
        "endpoint": "token",
        "status": 503,
        "hang_seconds": None,
        "count": 1,
        "retry_after": None,
        "body": "",
        "error": "",
    }


def test_a_200_fault_needs_a_malformed_body():
    assert "status" in refusal(schemas.FaultIn, {"endpoint": "token", "status": 200})
    assert schemas.FaultIn().load({"endpoint": "token", "status": 200, "body": "html"})


def test_a_number_is_never_a_boolean_or_a_string():
    assert refusal(schemas.AgeIn, {"seconds": True}) == {"seconds": ["must be a number >= 0"]}
    assert refusal(schemas.TenantIn, {"tenant_id": "7"}) == {"tenant_id": ["must be a number >= 1"]}


def test_a_tenant_keeps_only_the_keys_a_user_has_and_the_facts_given():
    spec = schemas.TenantIn().load(
        {"users": [{"password": "p", "role": "x"}], "company_name": "Bolaget AB", "city": ""}
    )
    assert spec["users"] == [{"password": "p"}]
    assert spec["company"] == {"company_name": "Bolaget AB"}


def test_every_user_needs_a_password():
    assert refusal(schemas.TenantIn, {"users": [{"username": "a"}]}) == {
        "users": ["a list of objects, each with a password"]
    }
    assert refusal(schemas.UserIn, {"password": ""}) == {"password": ["required"]}


def test_counters_are_zero_until_counted_and_labelled_ones_add_up():
    totals = counter_totals(
        [
            {"name": "token_calls", "label": "refresh_token", "value": 2},
            {"name": "token_calls", "label": "authorization_code", "value": 1},
            {"name": "refreshes", "label": "", "value": 1},
        ]
    )
    assert totals["token_calls"] == {"refresh_token": 2, "authorization_code": 1, "total": 3}
    assert (totals["refreshes"], totals["rate_limited"]) == (1, 0)
    assert totals["invalid_grant"] == {"total": 0}
