"""The OAuth state rules and the encryption of tokens at rest."""

import base64
from datetime import UTC, datetime, timedelta

import pytest
from tokens.adapters.crypto import Keyring, KeyringError
from tokens.domain import authorization as auth

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def _pending(**fields):
    values = dict(
        org_id="o",
        user_id="u",
        session_hash=auth.digest("s"),
        account_type="",
        expires_at=NOW + timedelta(minutes=10),
        used_at=None,
    )
    return auth.PendingAuthorization(**(values | fields))


def test_a_fresh_state_of_the_same_user_and_session_is_accepted():
    assert auth.judge(_pending(), "u", "s", NOW) is None


@pytest.mark.parametrize(
    "pending, user, session, outcome",
    [
        (None, "u", "s", "state_invalid"),
        (_pending(used_at=NOW), "u", "s", "state_reused"),
        (_pending(expires_at=NOW), "u", "s", "state_expired"),
        (_pending(), "someone-else", "s", "state_invalid"),
        (_pending(), "u", "another-session", "state_invalid"),
    ],
)
def test_unusable_states_are_refused_with_their_reason(pending, user, session, outcome):
    assert auth.judge(pending, user, session, NOW) == outcome


def test_states_are_long_random_and_kept_only_as_hashes():
    first, second = auth.new_state(), auth.new_state()
    assert first != second and len(first) >= 40
    assert auth.digest(first) != first.encode() and len(auth.digest(first)) == 32


def _key() -> str:
    return base64.b64encode(bytes(range(32))).decode()


def test_tokens_round_trip_and_are_bound_to_their_org_and_column():
    keyring = Keyring.parse(f"k1:{_key()}")
    sealed = keyring.encrypt("secret-token", "org-1", "refresh_token")
    assert sealed.startswith("k1:") and "secret-token" not in sealed
    assert keyring.decrypt(sealed, "org-1", "refresh_token") == "secret-token"
    with pytest.raises(KeyringError):
        keyring.decrypt(sealed, "org-2", "refresh_token")
    with pytest.raises(KeyringError):
        keyring.decrypt(sealed, "org-1", "access_token")


def test_old_keys_still_open_what_they_sealed_while_the_first_key_seals():
    old = Keyring.parse(f"k1:{_key()}")
    sealed = old.encrypt("t", "o", "access_token")
    new_key = base64.b64encode(bytes(range(1, 33))).decode()
    rotated = Keyring.parse(f"k2:{new_key},k1:{_key()}")
    assert rotated.decrypt(sealed, "o", "access_token") == "t"
    assert rotated.encrypt("t", "o", "access_token").startswith("k2:")
    with pytest.raises(KeyringError, match="no key"):
        Keyring.parse(f"k2:{new_key}").decrypt(sealed, "o", "access_token")


@pytest.mark.parametrize(
    "spec", ["", "nokey", "k1:not-base64!", f"k1:{_key()},k1:{_key()}", "k1:AAAA"]
)
def test_bad_key_configuration_is_a_clear_error(spec):
    with pytest.raises(KeyringError):
        Keyring.parse(spec)
