"""Contract checks for services' tests: does what a service published match the documented schema?

    from servicekit.contracts.conformance import assert_conforms, assert_outbox_conforms

    assert_conforms(envelope)            # a dict, or the bytes of a message read from the exchange
    assert_outbox_conforms(database_url, types={"token.upgraded"})   # every row of its outbox

The check is the generated JSON Schema of the event's (type, version) (jsonschemas.py, the one
published in docs/events), not the marshmallow schema, so it is what other teams rely on.
"""

import json
from datetime import datetime
from functools import cache

import psycopg
from jsonschema import Draft202012Validator, FormatChecker

from servicekit.contracts import CONTRACTS
from servicekit.contracts.jsonschemas import envelope_schema, event_schema
from servicekit.ids import canonical_uuid

_FORMATS = FormatChecker(formats=())


@_FORMATS.checks("uuid", raises=ValueError)
def _is_uuid(value) -> bool:
    return not isinstance(value, str) or canonical_uuid(value) == value.lower()


@_FORMATS.checks("date-time", raises=ValueError)
def _is_aware_datetime(value) -> bool:
    """RFC 3339: a date, a time and an offset."""
    if not isinstance(value, str):
        return True
    return "T" in value.upper() and datetime.fromisoformat(value).tzinfo is not None


@cache
def _validator(event_type: str | None, version: int | None) -> Draft202012Validator:
    schema = envelope_schema() if event_type is None else event_schema(event_type, version)
    return Draft202012Validator(schema, format_checker=_FORMATS)


def _messages(validator: Draft202012Validator, envelope: dict) -> list[str]:
    errors = sorted(validator.iter_errors(envelope), key=lambda e: list(map(str, e.path)))
    return [f"{'/'.join(map(str, e.path)) or '(envelope)'}: {e.message}" for e in errors]


def schema_errors(envelope: dict | bytes | str) -> list[str]:
    """Why the event does not match its schema, one line each ([] when it does)."""
    if isinstance(envelope, bytes | str):
        try:
            envelope = json.loads(envelope)
        except ValueError as exc:
            return [f"(message): not JSON: {exc}"]
    if not isinstance(envelope, dict):
        return [f"(message): not a JSON object but {type(envelope).__name__}"]
    errors = _messages(_validator(None, None), envelope)
    if errors:
        return errors
    key = (envelope["type"], envelope["version"])
    if key not in CONTRACTS:
        return [f"type: no contract for {key[0]} v{key[1]} in servicekit.contracts"]
    return _messages(_validator(*key), envelope)


def assert_conforms(envelope: dict | bytes | str) -> None:
    """Fail the test with every mismatch if the event does not match its published schema."""
    errors = schema_errors(envelope)
    if errors:
        described = envelope if isinstance(envelope, dict) else repr(envelope)[:300]
        raise AssertionError(
            "event does not match its contract:\n  " + "\n  ".join(errors) + f"\n{described}"
        )


def outbox_envelopes(
    database: str | psycopg.Connection, *, types: set[str] | None = None
) -> list[dict]:
    """The envelopes in a service's outbox, oldest first (optionally only the given types)."""
    sql = "SELECT envelope FROM outbox WHERE %(types)s::text[] IS NULL OR type = ANY(%(types)s)"
    params = {"types": sorted(types) if types is not None else None}
    if isinstance(database, psycopg.Connection):
        return [r[0] for r in database.execute(sql + " ORDER BY seq", params)]
    with psycopg.connect(database) as conn:
        return [r[0] for r in conn.execute(sql + " ORDER BY seq", params)]


def assert_outbox_conforms(
    database: str | psycopg.Connection, *, types: set[str] | None = None
) -> list[dict]:
    """Check every event a service wrote to its outbox; returns them (fails if there are none)."""
    envelopes = outbox_envelopes(database, types=types)
    if not envelopes:
        wanted = f" of types {sorted(types)}" if types else ""
        raise AssertionError(f"the outbox holds no events{wanted} to check")
    failures = [(e, schema_errors(e)) for e in envelopes]
    failures = [(e, errors) for e, errors in failures if errors]
    if failures:
        lines = [
            f"{e.get('type')} {e.get('id')}: {error}" for e, errors in failures for error in errors
        ]
        raise AssertionError(
            f"{len(failures)} of {len(envelopes)} outbox events do not match their contracts:\n  "
            + "\n  ".join(lines)
        )
    return envelopes
