from marshmallow import EXCLUDE, Schema


class EventData(Schema):
    """Base of every event's data: unknown fields are ignored so producers can add fields."""

    class Meta:
        unknown = EXCLUDE
