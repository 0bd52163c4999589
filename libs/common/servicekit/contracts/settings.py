"""Events the settings service publishes."""

from marshmallow import fields  # noqa: F401 - used as contracts are added

from servicekit.contracts.base import EventData  # noqa: F401

CONTRACTS: dict = {}
