"""Ids on this platform are UUIDs: one check of them for routes, commands, events and clients."""

import uuid


def canonical_uuid(value: object) -> str:
    """The UUID `value` spells, in its canonical form (lower case, with hyphens); ValueError
    saying so for anything else. Each caller turns that into its own refusal: a 422 naming the
    field (servicekit.web.valid_org_id), a usage error, a schema's format error."""
    try:
        return str(uuid.UUID(value))
    except (ValueError, TypeError, AttributeError):
        raise ValueError(f"{value!r:.60} is not a UUID") from None
