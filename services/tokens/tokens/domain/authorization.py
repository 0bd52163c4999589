"""Rules of the OAuth `state`: random, single use, ten minutes, bound to org, user and session."""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

STATE_LIFETIME = timedelta(minutes=10)
ACCOUNT_TYPES = ("", "service")

# Outcomes of completing a callback, as the gateway shows them.
CONNECTED, UPGRADED = "connected", "upgraded"
REFUSED, EXCHANGE_FAILED, COMPANY_MISMATCH = "refused", "exchange_failed", "company_mismatch"
ORGANISATION_MISMATCH = "organisation_mismatch"
STATE_MISSING, STATE_INVALID = "state_missing", "state_invalid"
STATE_EXPIRED, STATE_REUSED = "state_expired", "state_reused"

MESSAGES = {
    CONNECTED: "The Fortnox connection is set up.",
    UPGRADED: "The legacy token was replaced by an OAuth connection.",
    REFUSED: "The permissions were not approved in Fortnox; the connection is unchanged.",
    EXCHANGE_FAILED: "Fortnox did not hand over the tokens; the connection is unchanged.",
    COMPANY_MISMATCH: "Another Fortnox company than this organisation's was connected;"
    " the connection is unchanged.",
    ORGANISATION_MISMATCH: "The Fortnox company's organisation number is not this"
    " organisation's; nothing was connected and Fortnox's grant was revoked.",
    STATE_MISSING: 'The answer from Fortnox lacked its state; start again with "Ny Token".',
    STATE_INVALID: "The answer from Fortnox does not belong to this session; start again.",
    STATE_EXPIRED: 'More than 10 minutes passed; start again with "Ny Token".',
    STATE_REUSED: 'This answer from Fortnox was already used; start again with "Ny Token".',
}


def new_state() -> str:
    return secrets.token_urlsafe(32)


def digest(value: str) -> bytes:
    """States and session references are only kept as hashes."""
    return hashlib.sha256(value.encode()).digest()


@dataclass(frozen=True)
class PendingAuthorization:
    org_id: str
    user_id: str
    session_hash: bytes
    account_type: str
    expires_at: datetime
    used_at: datetime | None  # before this consumption
    organisation_number: str | None = None  # the organisation's own, when the caller said


def same_organisation(own: str | None, fortnox: str | None) -> bool:
    """Whether Fortnox's OrganizationNumber is the organisation's own (digits compared, so
    `5591925788` and `559192-5788` agree); True when either is unknown: nothing to compare."""
    own_digits = "".join(c for c in own or "" if c in "0123456789")
    fortnox_digits = "".join(c for c in fortnox or "" if c in "0123456789")
    return not own_digits or not fortnox_digits or own_digits == fortnox_digits


def judge(
    pending: PendingAuthorization | None, user_id: str, session_ref: str, now: datetime
) -> str | None:
    """None when the state may be used, else the outcome that refuses it."""
    if pending is None:
        return STATE_INVALID
    if pending.used_at is not None:
        return STATE_REUSED
    if pending.expires_at <= now:
        return STATE_EXPIRED
    same_user = hmac.compare_digest(pending.user_id, user_id)
    if not same_user or not hmac.compare_digest(pending.session_hash, digest(session_ref)):
        return STATE_INVALID
    return None
