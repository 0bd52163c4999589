"""Security events in the JSON log: what happened (`event`), who did it (`actor`), to whom or
what (`target`), in which organisation, from which client address.

They go to one logger, `security`, so that they can be routed, kept and alerted on apart from
the rest. Every field is an id, a route or an address: never a password, a token or a session.
"""

import logging

from flask import current_app, has_app_context, has_request_context, request
from prometheus_client import Counter

from servicekit.http import CLIENT_ADDRESS_HEADER

log = logging.getLogger("security")
# Counted too, so that alerts see them (deploy/alerts: InternalCallRefused).
EVENTS = Counter("security_events_total", "Security events logged", ["service", "event"])
ANONYMOUS = "anonymous"


def security_event(
    event: str,
    *,
    actor: str,
    target: str,
    org_id: str | None = None,
    client_address: str | None = None,
    **details: str,
) -> None:
    EVENTS.labels(current_app.name if has_app_context() else "", event).inc()
    log.warning(
        event,
        extra={
            "security_event": event,
            "actor": actor or ANONYMOUS,
            "target": target,
            "org_id": org_id or "",
            "client_address": client_address or forwarded_client_address(),
            **details,
        },
    )


def forwarded_client_address() -> str:
    """The browser's address the calling service forwarded, else the caller's own."""
    if not has_request_context():
        return ""
    forwarded = request.headers.get(CLIENT_ADDRESS_HEADER, "")
    return forwarded[:64] if forwarded else (request.remote_addr or "")
