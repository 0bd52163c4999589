"""JSON Schema (draft 2020-12) of the envelope and of every event, generated from the contracts.

apispec's marshmallow plugin converts the schemas (OpenAPI 3.1 schema objects are JSON Schema
2020-12), so the documents other teams read and the checks of contract tests come from the very
schemas our consumers load events with. Unknown fields stay allowed: consumers read tolerantly.
"""

import inspect
from functools import cache

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from marshmallow import Schema

from servicekit.contracts import CONTRACTS

DIALECT = "https://json-schema.org/draft/2020-12/schema"
# Contract modules whose events no service publishes (the event bus's own probes).
INTERNAL_PUBLISHERS = {"testing"}


@cache
def _converter():
    plugin = MarshmallowPlugin(schema_name_resolver=lambda _schema: None)  # inline nested
    APISpec("events", "1", openapi_version="3.1.0", plugins=[plugin])
    return plugin.converter


def data_schema(schema_class: type[Schema]) -> dict:
    """The JSON Schema of one contract's `data`."""
    schema = _converter().schema2jsonschema(schema_class)
    doc = inspect.getdoc(schema_class)
    if doc and schema_class.__doc__:  # its own docstring, not the base class's
        schema = {"description": doc, **schema}
    return schema


def envelope_schema() -> dict:
    """The envelope every event travels in; `data` is any object here."""
    from servicekit.events.envelope import EnvelopeSchema  # envelope imports the contracts

    schema = _converter().schema2jsonschema(EnvelopeSchema)
    return {
        "$schema": DIALECT,
        "title": "event envelope",
        "description": (
            "Every event: routing key = type; `data` follows the contract of (type, version). "
            "Unknown fields are allowed and must be ignored by readers."
        ),
        **schema,
    }


def event_schema(event_type: str, version: int) -> dict:
    """The whole message of one event type and version: the envelope with its `data`."""
    schema_class = CONTRACTS[(event_type, version)]
    envelope = envelope_schema()
    properties = dict(envelope["properties"])
    properties["type"] = {"const": event_type}
    properties["version"] = {"const": version}
    properties["data"] = data_schema(schema_class)
    return {
        "$schema": DIALECT,
        "title": f"{event_type} v{version}",
        "description": f"Published by the {publisher_of(event_type, version)} service.",
        "type": "object",
        "properties": properties,
        "required": envelope["required"],
    }


def publisher_of(event_type: str, version: int) -> str:
    """The publishing service: the contract module the schema lives in (contracts/<service>.py)."""
    return CONTRACTS[(event_type, version)].__module__.rsplit(".", 1)[-1]


def documented_contracts() -> list[tuple[str, int]]:
    """(type, version) of every event a service publishes, by publisher, type and version."""
    keys = [key for key in CONTRACTS if publisher_of(*key) not in INTERNAL_PUBLISHERS]
    return sorted(keys, key=lambda key: (publisher_of(*key), key[0], key[1]))


def file_name(event_type: str, version: int) -> str:
    return f"{event_type}.v{version}.json"
