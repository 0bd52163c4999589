"""The AsyncAPI 3.1 document of the events the platform's services publish.

One channel per event type on the events exchange (routing key = type), one message per
(type, version), one `send` operation per publishing service and type; payloads are the JSON
Schemas of jsonschemas.py (AsyncAPI's default schema format is a superset of JSON Schema).
"""

from servicekit import config as env
from servicekit.contracts.jsonschemas import documented_contracts, event_schema, publisher_of
from servicekit.http import CORRELATION_HEADER

AMQP_BINDING = "0.3.0"


def _message_id(event_type: str, version: int) -> str:
    return f"{event_type}.v{version}"


def _payload(event_type: str, version: int) -> dict:
    schema = event_schema(event_type, version)
    schema.pop("$schema")  # the message's schema format says what the payload is
    return schema


def _message(event_type: str, version: int) -> dict:
    return {
        "name": event_type,
        "title": f"{event_type} v{version}",
        "summary": f"Published by the {publisher_of(event_type, version)} service.",
        "contentType": "application/json",
        "correlationId": {"location": "$message.payload#/correlation_id"},
        "headers": {
            "type": "object",
            "properties": {
                CORRELATION_HEADER: {"type": "string"},
                "x-event-version": {"const": version},
            },
        },
        "payload": {"$ref": f"#/components/schemas/{_message_id(event_type, version)}"},
        "bindings": {"amqp": {"messageType": event_type, "bindingVersion": AMQP_BINDING}},
    }


def _channel(event_type: str, versions: list[int], exchange: str) -> dict:
    return {
        "address": event_type,
        "title": event_type,
        "messages": {
            _message_id(event_type, v): {
                "$ref": f"#/components/messages/{_message_id(event_type, v)}"
            }
            for v in versions
        },
        "bindings": {
            "amqp": {
                "is": "routingKey",
                "exchange": {
                    "name": exchange,
                    "type": "topic",
                    "durable": True,
                    "autoDelete": False,
                    "vhost": "/",
                },
                "bindingVersion": AMQP_BINDING,
            }
        },
    }


def document() -> dict:
    contracts = documented_contracts()
    exchange = env.get("EVENTS_EXCHANGE", {})  # the default: the document must not vary
    versions: dict[str, list[int]] = {}
    for event_type, version in contracts:
        versions.setdefault(event_type, []).append(version)
    operations = {}
    for event_type, vs in versions.items():
        publisher = publisher_of(event_type, vs[0])
        operations[f"{publisher}.send.{event_type}"] = {
            "action": "send",
            "title": f"{publisher} publishes {event_type}",
            "channel": {"$ref": f"#/channels/{event_type}"},
            "messages": [
                {"$ref": f"#/channels/{event_type}/messages/{_message_id(event_type, v)}"}
                for v in vs
            ],
            "bindings": {
                "amqp": {"deliveryMode": 2, "mandatory": True, "bindingVersion": AMQP_BINDING}
            },
        }
    return {
        "asyncapi": "3.1.0",
        "info": {
            "title": "Resultat Finans platform events",
            "version": "1.0.0",
            "description": (
                "Events the platform's services publish to one durable topic exchange "
                f"(EVENTS_EXCHANGE, `{exchange}` by default) with routing key = event type. "
                "Delivery is at least once and in order per organisation; consumers are "
                "idempotent on `id` and ignore unknown fields. See README.md beside this file."
            ),
        },
        "defaultContentType": "application/json",
        "servers": {
            "local": {
                "host": "127.0.0.1:5672",
                "protocol": "amqp",
                "protocolVersion": "0.9.1",
                "description": "The local run's RabbitMQ; other environments set AMQP_URL.",
            }
        },
        "channels": {t: _channel(t, vs, exchange) for t, vs in versions.items()},
        "operations": operations,
        "components": {
            "messages": {_message_id(t, v): _message(t, v) for t, v in contracts},
            "schemas": {_message_id(t, v): _payload(t, v) for t, v in contracts},
        },
    }
