"""An event type kept for the event bus's own tests and benchmarks (never published by services)."""

from marshmallow import fields

from servicekit.contracts.base import EventData


class ProbeRecordedV1(EventData):
    seq = fields.Integer(required=True)
    note = fields.String(load_default="")


CONTRACTS = {("probe.recorded", 1): ProbeRecordedV1}
