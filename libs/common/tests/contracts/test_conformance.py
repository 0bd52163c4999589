"""Every contract has a published JSON Schema, and events built by the kit match it."""

import json
import uuid
from datetime import UTC, datetime

import psycopg
import pytest
from jsonschema import Draft202012Validator
from marshmallow import fields, validate
from servicekit.contracts import CONTRACTS
from servicekit.contracts.conformance import (
    assert_conforms,
    assert_outbox_conforms,
    schema_errors,
)
from servicekit.contracts.jsonschemas import event_schema
from servicekit.events.envelope import build
from servicekit.events.outbox import publish
from servicekit.events.probes import PROBE_MIGRATIONS

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def sample_value(field: fields.Field):
    """A value the field accepts: the first choice, the range's minimum, or a plain example."""
    for validator in field.validators:
        if isinstance(validator, validate.OneOf):
            return list(validator.choices)[0]
        if isinstance(validator, validate.Range) and validator.min is not None:
            return validator.min
    samples = [
        (fields.UUID, str(uuid.uuid4())),
        (fields.AwareDateTime, NOW),
        (fields.DateTime, NOW),
        (fields.Boolean, True),
        (fields.Integer, 1),
        (fields.Float, 1.5),
        (fields.List, []),
        (fields.Dict, {}),
        (fields.String, "sample"),
    ]
    for kind, value in samples:
        if isinstance(field, kind):
            return value
    raise AssertionError(f"no sample value for {type(field).__name__}: extend sample_value")


def samples(schema_class) -> dict[str, dict]:
    """Data with every field, with the required ones only, and with every nullable one None."""
    declared = schema_class().fields
    full = {name: sample_value(f) for name, f in declared.items()}
    required = {name: full[name] for name, f in declared.items() if f.required}
    nulls = {**full, **{name: None for name, f in declared.items() if f.allow_none}}
    return {"full": full, "required only": required, "nullables none": nulls}


CASES = [
    pytest.param(key, variant, data, id=f"{key[0]}.v{key[1]}-{variant}")
    for key, schema_class in sorted(CONTRACTS.items())
    for variant, data in samples(schema_class).items()
]


@pytest.mark.parametrize("key", sorted(CONTRACTS), ids=lambda k: f"{k[0]}.v{k[1]}")
def test_every_contract_has_a_valid_json_schema_of_its_whole_message(key):
    schema = event_schema(*key)
    Draft202012Validator.check_schema(schema)
    assert schema["properties"]["type"] == {"const": key[0]}
    assert schema["properties"]["version"] == {"const": key[1]}
    declared = set(CONTRACTS[key]().fields)
    assert set(schema["properties"]["data"]["properties"]) == declared


@pytest.mark.parametrize(("key", "variant", "data"), CASES)
def test_envelopes_built_by_the_kit_match_the_published_schema(key, variant, data):
    envelope = build(key[0], "org-1", data, version=key[1], correlation_id="corr-1")
    assert schema_errors(envelope) == []
    assert_conforms(json.dumps(envelope).encode())  # as read from the exchange


def valid_envelope(**changes) -> dict:
    envelope = build(
        "token.revoked", "org-1", {"kind": "oauth", "revoked_at_fortnox": True}, correlation_id="c"
    )
    envelope.update(changes)
    return envelope


def test_unknown_fields_are_accepted_as_tolerant_readers_promise():
    envelope = valid_envelope(trace="x")
    envelope["data"]["added_later"] = 1
    assert schema_errors(envelope) == []


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"data": {"kind": "oauth"}}, "data: 'revoked_at_fortnox' is a required property"),
        (
            {"data": {"kind": "paper", "revoked_at_fortnox": True}},
            "data/kind: 'paper' is not one of",
        ),
        ({"id": "not-a-uuid"}, "id: 'not-a-uuid' is not a 'uuid'"),
        (
            {"occurred_at": "2026-03-01T12:00:00"},
            "occurred_at: '2026-03-01T12:00:00' is not a 'date-time'",
        ),
        ({"version": 9}, "type: no contract for token.revoked v9"),
        ({"type": "Token-Revoked"}, "type: 'Token-Revoked' does not match"),
        ({"org_id": 5}, "org_id: 5 is not of type 'string', 'null'"),
    ],
    ids=[
        "missing field",
        "bad enum",
        "bad id",
        "naive time",
        "unknown version",
        "bad type",
        "org id type",
    ],
)
def test_a_mismatch_is_reported_with_where_and_why(changes, expected):
    errors = schema_errors(valid_envelope(**changes))
    assert any(e.startswith(expected) for e in errors), errors
    with pytest.raises(AssertionError, match="event does not match its contract"):
        assert_conforms(valid_envelope(**changes))


def test_a_message_that_is_not_a_json_object_is_reported():
    assert schema_errors(b"{not json")[0].startswith("(message): not JSON")
    assert schema_errors("[1, 2]") == ["(message): not a JSON object but list"]
    envelope = valid_envelope()
    del envelope["data"]
    assert schema_errors(envelope) == ["(envelope): 'data' is a required property"]


def test_a_services_outbox_is_checked_event_by_event(make_database):
    database = make_database(PROBE_MIGRATIONS, prefix="t_conform")
    with psycopg.connect(database) as conn:
        published = publish(conn, "probe.recorded", "org-a", {"seq": 1})
    assert assert_outbox_conforms(database) == [published]

    broken = {**published, "id": str(uuid.uuid4()), "data": {"seq": "one"}}
    with psycopg.connect(database) as conn:
        conn.execute(
            "INSERT INTO outbox (id, type, version, org_id, occurred_at, envelope)"
            " VALUES (%s, 'probe.recorded', 1, 'org-a', now(), %s)",
            (broken["id"], json.dumps(broken)),
        )
        with pytest.raises(AssertionError, match=r"1 of 2 outbox events(.|\n)*data/seq: 'one'"):
            assert_outbox_conforms(conn)
    with pytest.raises(AssertionError, match=r"no events of types \['token.revoked'\]"):
        assert_outbox_conforms(database, types={"token.revoked"})
