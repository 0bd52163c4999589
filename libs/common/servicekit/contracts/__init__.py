"""Event contracts: one marshmallow schema per (type, version), one module per publishing service.

Adding a field keeps the version; renaming or removing one is a new version, published side by
side while consumers move. Schemas ignore unknown fields (tolerant readers).
"""

from marshmallow import Schema

from servicekit.contracts import auth, settings, testing, tokens

CONTRACTS: dict[tuple[str, int], type[Schema]] = {
    **auth.CONTRACTS,
    **tokens.CONTRACTS,
    **settings.CONTRACTS,
    **testing.CONTRACTS,
}


def schema_for(event_type: str, version: int) -> Schema | None:
    schema_class = CONTRACTS.get((event_type, version))
    return schema_class() if schema_class else None
