"""Prometheus metrics of the relay and the consumers.

With PROMETHEUS_MULTIPROC_DIR set (the local run sets the service's folder), a relay's or
consumer's figures appear on its service's /metrics next to the web workers'.
"""

from prometheus_client import Counter, Gauge

EVENTS_PUBLISHED = Counter(
    "outbox_events_published_total", "events the relay published and saw confirmed", ["service"]
)
PUBLISH_FAILURES = Counter(
    "outbox_publish_failures_total",
    "publish attempts that failed (unroutable, nacked, broker lost)",
    ["service", "reason"],
)
OUTBOX_BACKLOG = Gauge(
    "outbox_backlog_events",
    "outbox rows not yet sent",
    ["service"],
    multiprocess_mode="livemax",
)
OUTBOX_OLDEST_AGE = Gauge(
    "outbox_oldest_pending_age_seconds",
    "age of the oldest outbox row not yet sent (0 when none)",
    ["service"],
    multiprocess_mode="livemax",
)


def _per_event_type(name: str, documentation: str) -> Counter:
    """A consumer's counter of deliveries, by consumer queue and event type."""
    return Counter(name, documentation, ["consumer", "type"])


EVENTS_HANDLED = _per_event_type(
    "consumer_events_handled_total", "events applied (inbox row written)"
)
EVENTS_DUPLICATE = _per_event_type(
    "consumer_events_duplicate_total", "deliveries of events already applied (skipped by the inbox)"
)
EVENTS_REDELIVERED = _per_event_type(
    "consumer_events_redelivered_total", "deliveries flagged as redelivered"
)
HANDLER_FAILURES = _per_event_type(
    "consumer_handler_failures_total", "handler errors (rolled back, requeued)"
)
EVENTS_IGNORED = _per_event_type(
    "consumer_events_ignored_total", "bound events without a handler (acked)"
)
EVENTS_DEAD_LETTERED = Counter(
    "consumer_events_dead_lettered_total",
    "messages sent to the dead-letter queue",
    ["consumer", "type", "reason"],
)
CONSUMER_CONNECTIONS = Counter(
    "consumer_connections_total",
    "broker connections a consumer opened (more than one: it reconnected)",
    ["consumer"],
)
