"""servicekit.ids.canonical_uuid: the one check of an id, canonical or a clear refusal."""

import pytest
from servicekit.ids import canonical_uuid

CANONICAL = "6f1c1f4e-8d0a-4c5e-9b7a-2f0e3c4d5a6b"


@pytest.mark.parametrize(
    "spelled", [CANONICAL, CANONICAL.upper(), CANONICAL.replace("-", ""), f"{{{CANONICAL}}}"]
)
def test_any_spelling_of_a_uuid_comes_back_canonical(spelled):
    assert canonical_uuid(spelled) == CANONICAL


@pytest.mark.parametrize("value", ["", "org-1", CANONICAL[:-1], "\x00" * 36, None, 7, ["x"]])
def test_anything_else_is_a_value_error_naming_it(value):
    with pytest.raises(ValueError, match="is not a UUID"):
        canonical_uuid(value)
