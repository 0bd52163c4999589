"""Who starts an action, as auth vouches for it: a short-lived assertion signed for that action.

An action a person starts through the gateway (start "Ny Token", Fortnox's return, check,
disconnect, save the payment method) must not rest on the gateway's word alone: a compromised
gateway could otherwise claim any user of any organisation. So the gateway asks auth, with the
person's session, for an assertion of one action in one organisation; auth resolves the session
and signs (Ed25519) who the person is, their organisation and role. The service that does the
action checks the signature with auth's public key, the action, the organisation and the
expiry, and takes the person from the assertion, never from the request body. Only auth holds
the signing key; the gateway holds neither key.

An assertion is good for one action: the service records its `jti` in its own database
(`used_assertions`, a servicekit migration) until it expires and refuses it a second time, so a
copy of one seen in flight cannot repeat the action within its minute. The gateway asks auth for
one per request it passes on; the one re-send servicekit.http makes on its own (a PUT whose
kept-alive connection broke before any answer) reuses it, which is right both ways: the first
never arrived and this is its one use, or it did and the refusal keeps the action from being done
twice. A person who tries again sends a new request, with a fresh assertion.
"""

import base64
import hashlib
import secrets
import time

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from flask import current_app, request

from servicekit.app import pool_of
from servicekit.db import autocommit
from servicekit.web import ApiError

HEADER = "X-Action-Assertion"
TTL_SECONDS = 60
CLOCK_SKEW_SECONDS = 10  # between auth's clock and the checking service's
ADMINISTRATOR = "administrator"
# Each action and the one service that does it (the assertion's audience).
ACTIONS = {
    "fortnox.connect": "tokens",
    "fortnox.callback": "tokens",
    "fortnox.check": "tokens",
    "fortnox.disconnect": "tokens",
    "settings.save_payment_method": "settings",
}


def session_ref(session_token: str) -> str:
    """What binds a Fortnox authorization to one browser session, without the session id."""
    return hashlib.sha256(session_token.encode()).hexdigest()[:40]


def sign(signing_key: str, action: str, person: dict, session_token: str) -> dict:
    """The assertion of `action` by the person a session resolved to (user_id, org_id, role,
    and the organisation's own number where auth knows it)."""
    now = int(time.time())
    claims = {
        "aud": ACTIONS[action],
        "act": action,
        "org": person["org_id"],
        "sub": person["user_id"],
        "role": person["role"],
        "onr": person.get("org_number"),
        "sref": session_ref(session_token),
        "iat": now,
        "exp": now + TTL_SECONDS,
        "jti": secrets.token_urlsafe(12),
    }
    key = Ed25519PrivateKey.from_private_bytes(_raw(signing_key))
    return {"assertion": jwt.encode(claims, key, algorithm="EdDSA"), "expires_in": TTL_SECONDS}


def required(verify_keys: str, action: str, org_id: str | None, *, admin: bool = False) -> dict:
    """The person the request's assertion vouches for, doing `action` in `org_id` (any
    organisation where None); 401 `assertion_invalid` without a valid one, 401
    `assertion_used` when it was used before, 403 `forbidden` when it is another action's or
    organisation's or the person's role may not. Needs the app's database (pool_of)."""
    token = request.headers.get(HEADER, "")
    claims = _verified(verify_keys, token, ACTIONS[action])
    if claims.get("act") != action or (org_id is not None and claims.get("org") != org_id):
        raise ApiError(403, "forbidden", "The assertion is for another action or organisation.")
    if admin and claims.get("role") != ADMINISTRATOR:
        raise ApiError(403, "forbidden", "Only an administrator may do this.")
    _spend(claims)
    return {
        "user_id": claims["sub"],
        "org_id": claims["org"],
        "session_ref": claims["sref"],
        "organisation_number": claims.get("onr"),
    }


def _verified(verify_keys: str, token: str, audience: str) -> dict:
    # Several keys while auth's signing key is rotated: the new one first.
    for encoded in verify_keys.split(","):
        key = Ed25519PublicKey.from_public_bytes(_raw(encoded))
        try:
            return jwt.decode(
                token,
                key,
                algorithms=["EdDSA"],
                audience=audience,
                leeway=CLOCK_SKEW_SECONDS,
                options={"require": ["exp", "jti"]},
            )
        except jwt.InvalidSignatureError:
            continue
        except jwt.PyJWTError:
            break
    raise ApiError(401, "assertion_invalid", "The action needs auth's assertion for it.")


def _spend(claims: dict) -> None:
    # Kept until no service could accept the assertion any more, even with a clock up to the
    # allowed skew behind; the purge rides along on each use, so the table stays small.
    with autocommit(pool_of(current_app)) as conn:
        fresh = conn.execute(
            "WITH purged AS (DELETE FROM used_assertions"
            "  WHERE expires_at < now() - make_interval(secs => %(skew)s))"
            " INSERT INTO used_assertions (jti, expires_at)"
            " VALUES (%(jti)s, to_timestamp(%(exp)s + %(skew)s))"
            " ON CONFLICT (jti) DO NOTHING RETURNING jti",
            {"jti": str(claims["jti"]), "exp": claims["exp"], "skew": CLOCK_SKEW_SECONDS},
        ).fetchone()
    if fresh is None:
        raise ApiError(401, "assertion_used", "The assertion was used; ask auth for a new one.")


def new_key_pair() -> tuple[str, str]:
    """A signing key for auth and its public key for the services (base64, 32 bytes each)."""
    private = Ed25519PrivateKey.generate()
    raw = private.private_bytes_raw()
    return base64.b64encode(raw).decode(), public_of(base64.b64encode(raw).decode())


def public_of(signing_key: str) -> str:
    public = Ed25519PrivateKey.from_private_bytes(_raw(signing_key)).public_key()
    return base64.b64encode(public.public_bytes(Encoding.Raw, PublicFormat.Raw)).decode()


def check_key(service: str, variable: str, value: str | None) -> str:
    """Refuse to start without a well-formed key (or keys, comma-separated)."""
    try:
        for encoded in (value or "").split(","):
            if len(_raw(encoded)) != 32:
                raise ValueError
    except ValueError:
        raise RuntimeError(
            f"{service}: {variable} is {'malformed' if value else 'not set'} (32 bytes in base64;"
            " `make run` creates local ones)"
        ) from None
    return value


def _raw(encoded: str) -> bytes:
    try:
        return base64.b64decode(encoded.strip(), validate=True)
    except ValueError:
        raise ValueError("not base64") from None
