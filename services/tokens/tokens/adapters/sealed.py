"""Connections whose stored tokens do not open with the configured keys ("sealed"): their data
was encrypted under a key this process does not have (a lost or replaced secrets file, a key
retired too early). Every process shows such a connection as needing "Ny Token" instead of
failing on it, and says so once per organisation in its log; the other organisations go on.

The ciphertexts stay stored until a new authorization or a disconnect replaces them, so bringing
back the right key opens them again."""

import logging
import threading

from tokens.domain.connection import NEEDS_REAUTHORIZATION, Connection

SEALED_REASON = (
    "The stored Fortnox tokens do not open with this service's encryption keys"
    ' (TOKENS_ENCRYPTION_KEYS). Connect again with "Ny Token".'
)

_log = logging.getLogger("tokens.keys")
_reported: set[str] = set()
_lock = threading.Lock()


def report_once(org_id: str, column: str, error: Exception) -> None:
    """One log line per organisation and process: the org id and the column, never a token."""
    with _lock:
        if org_id in _reported:
            return
        _reported.add(org_id)
    _log.error(
        "stored token does not open; the connection needs Ny Token",
        extra={"org_id": org_id, "column": column, "reason": str(error)},
    )


def as_sealed(connection: Connection) -> Connection:
    """The connection as every reader sees it: no tokens, waiting for "Ny Token"."""
    connection.access_token = connection.refresh_token = connection.legacy_token = None
    connection.revoke_pending_token = None
    connection.state = connection.health = NEEDS_REAUTHORIZATION
    connection.reauthorization_reason = SEALED_REASON
    return connection
