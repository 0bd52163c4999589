"""Read a delivered message into an envelope, or say precisely why it cannot be read."""

import json
from collections.abc import Mapping

from marshmallow import ValidationError

from servicekit.contracts import CONTRACTS
from servicekit.events.envelope import EnvelopeSchema, parse


class Unreadable(Exception):
    """A message no consumer can ever handle; it goes to the dead-letter queue with the reason."""

    def __init__(self, reason: str, event_type: str = "unknown"):
        super().__init__(reason)
        self.reason = reason
        self.event_type = event_type


IGNORED = object()


def handler_for(handlers: Mapping, event_type: str, version: int):
    """A handler registered for (type, version) wins over one registered for the type."""
    return handlers.get((event_type, version)) or handlers.get(event_type)


def read(body: bytes, handlers: Mapping) -> tuple[dict, object]:
    """(envelope, handler), (envelope, IGNORED) for a known event this consumer does not
    handle (tolerant reader), or raises Unreadable."""
    try:
        raw = json.loads(body)
    except (UnicodeDecodeError, ValueError) as exc:
        raise Unreadable(f"not JSON: {exc}") from exc
    if not isinstance(raw, dict):
        raise Unreadable("not a JSON object")
    try:
        head = EnvelopeSchema().load(raw)
    except ValidationError as exc:
        raise Unreadable(f"invalid envelope: {_messages(exc)}", _type_of(raw)) from exc
    event_type, version = head["type"], head["version"]
    if not any(known == event_type for known, _ in CONTRACTS):
        raise Unreadable(f"unknown event type {event_type}", event_type)
    handler = handler_for(handlers, event_type, version)
    if handler is None:
        return head, IGNORED
    try:
        return parse(raw), handler
    except ValidationError as exc:
        raise Unreadable(f"invalid {event_type} v{version}: {_messages(exc)}", event_type) from exc


def _type_of(raw: dict) -> str:
    value = raw.get("type")
    return value if isinstance(value, str) and len(value) < 100 else "unknown"


def _messages(exc: ValidationError) -> str:
    return json.dumps(exc.messages, sort_keys=True, default=str)[:500]
