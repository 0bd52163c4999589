"""The envelope every event travels in, and its validation against the contract of its type."""

import uuid
from datetime import UTC, datetime

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate

from servicekit.contracts import schema_for


class EnvelopeSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    id = fields.UUID(required=True)
    type = fields.String(
        required=True, validate=validate.Regexp(r"^[a-z_]+\.[a-z_]+$", error="not <entity>.<verb>")
    )
    version = fields.Integer(required=True, validate=validate.Range(min=1))
    occurred_at = fields.AwareDateTime(required=True)
    org_id = fields.String(required=True, allow_none=True)
    correlation_id = fields.String(load_default="")
    data = fields.Dict(required=True)


class UnknownEvent(ValidationError):
    pass


def build(
    event_type: str,
    org_id: str | None,
    data: dict,
    *,
    version: int = 1,
    correlation_id: str = "",
) -> dict:
    """A new envelope whose data is checked against (and dumped by) its contract."""
    schema = schema_for(event_type, version)
    if schema is None:
        raise UnknownEvent(f"no contract for {event_type} v{version}")
    payload = schema.load(schema.dump(data))
    return {
        "id": str(uuid.uuid4()),
        "type": event_type,
        "version": version,
        "occurred_at": datetime.now(UTC).isoformat(),
        "org_id": org_id,
        "correlation_id": correlation_id,
        "data": schema.dump(payload),
    }


def parse(raw: dict) -> dict:
    """Validate an incoming envelope and its data; raises ValidationError with the reason."""
    envelope = EnvelopeSchema().load(raw)
    schema = schema_for(envelope["type"], envelope["version"])
    if schema is None:
        raise UnknownEvent(f"no contract for {envelope['type']} v{envelope['version']}")
    envelope["data"] = schema.load(envelope["data"])
    return envelope
